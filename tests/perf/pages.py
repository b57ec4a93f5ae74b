"""The weight of every page: bytes, requests and the static files' headers.

    .venv/bin/python tests/perf/pages.py             # after bin/setup --dev; about 30 seconds

Starts gunicorn with the production settings (whitenoise serving the static
files as guide.storage collects them: hashed, compressed, the CSS minified)
on a fresh SQLite database with one person with 1 reflection and 1
check-in. For each page it loads the HTML and what a browser with an empty
cache fetches for it (its stylesheets, scripts and images, and the one icon
it picks), and prints the bytes of HTML, CSS and JavaScript before
compression, the JavaScript files by name and the number of requests. The
stylesheets must fetch nothing further: a url() in them is fetched or not
depending on the browser's width, theme and medium, so rather than guess,
any url() or @import found in them fails a check. Then it checks the static
files' headers: hashed names, compressed (br or gzip), cached for a year and
immutable. (That queries stay the same as rows grow is a test:
tests/test_queries.py.)

Targets: HTML and CSS together under 30 KB, JavaScript only htmx, at most 4
requests for a cold load.
"""

import harness  # noqa: I001 (first: locust patches the standard library for gevent)

import argparse
import re
from urllib.parse import urljoin, urlsplit

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
CSS_FETCHES = re.compile(r"@import|url\(\s*['\"]?(?!data:)[^'\")]+['\"]?\s*\)")
ASSET_TAG = re.compile(r"<(link|script|img)\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
KB = 1024


def assets_of(body: str) -> list[tuple[str, str]]:
    """(kind, address) of the stylesheets, icons, scripts and images a page pulls in."""
    found = []
    for tag, attributes in ASSET_TAG.findall(body):
        attrs = dict(ATTRIBUTE.findall(attributes))
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon") and attrs.get("href"):
            found.append((attrs["rel"], attrs["href"]))
        elif tag != "link" and attrs.get("src"):
            found.append((tag, attrs["src"]))
    return found


def one_icon(assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The assets a browser fetches: of the icons a page offers it fetches one
    (Chromium 156 on a cold load takes the SVG and leaves the .ico for
    browsers and tools that cannot use it), so only that one is counted."""
    icons = [src for kind, src in assets if kind == "icon"]
    chosen = next((src for src in icons if src.split("?")[0].endswith(".svg")), None)
    chosen = chosen or (icons[0] if icons else None)
    return [(kind, src) for kind, src in assets if kind != "icon" or src == chosen]


def cold_load(client, path: str) -> dict:
    """A page and every file it pulls in, as with an empty cache."""
    page = client.get(path)
    weight = {"status": page.status_code, "html": len(page.content), "css": 0, "js": 0}
    weight |= {"other": 0, "requests": 1, "scripts": [], "assets": [], "css_fetches": []}
    seen: set[str] = set()
    for _kind, src in one_icon(assets_of(page.text)):
        url = urljoin(path, src)
        asset = urlsplit(url).path
        if asset in seen or url.startswith("data:"):
            continue
        seen.add(asset)
        response = client.get(asset)
        size = len(response.content)
        weight["requests"] += 1
        weight["assets"].append(asset)
        if asset.endswith(".css"):
            weight["css"] += size
            weight["css_fetches"] += CSS_FETCHES.findall(response.text)
        elif asset.endswith(".js"):
            weight["js"] += size
            weight["scripts"].append(asset.rsplit("/", 1)[-1])
        else:
            weight["other"] += size
    return weight


def static_headers(url: str, assets: set[str]) -> list[list]:
    rows = []
    for asset in sorted(assets):
        plain = harness.session(url).get(asset, headers={"Accept-Encoding": "identity"})
        packed = harness.session(url).get(
            asset, headers={"Accept-Encoding": "br, gzip"}, stream=True
        )
        cache = packed.headers.get("cache-control", "")
        rows.append(
            [
                asset.rsplit("/", 1)[-1],
                len(plain.content),
                packed.headers.get("content-encoding") or "none",
                int(packed.headers.get("content-length") or 0),
                bool(HASHED.search(asset)),
                "max-age=315360000" in cache and "immutable" in cache,
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18600)
    args = parser.parse_args()

    run = harness.Run("sqlite")
    run.prepare()
    me = run.seed(1, reflections=1, prefix="few", check_ins=1)[0]
    server = run.server(harness.ports(args.port)[0]).start()
    try:
        visitor = harness.session(server.url)
        public = ["/", "/accounts/login/", "/accounts/signup/", "/help/", "/privacy/"]
        signed_out = {p: cold_load(visitor, p) for p in public}
        reader = harness.session(server.url)
        harness.sign_in(reader, me["username"])
        names = {
            "/": "home",
            me["journey"]: "journey",
            me["stage"]: "stage",
            "/reflections/": "reflections",
            me["check_ins"]: "check-ins",
            "/account/": "account",
        }
        signed_in = {p: cold_load(reader, p) for p in names}
        assets = {a for w in [*signed_out.values(), *signed_in.values()] for a in w["assets"]}
        headers = static_headers(server.url, assets)
    finally:
        server.stop()

    harness.banner("Weight of a cold load (bytes before compression)")
    rows, checks = [], []
    for who, pages in (("signed out", signed_out), ("signed in", signed_in)):
        for path, w in pages.items():
            label = f"{names.get(path, path) if who == 'signed in' else path} ({who})"
            missed = [
                name
                for name, ok in [
                    ("size", w["html"] + w["css"] < 30 * KB),
                    ("requests", w["requests"] <= 4),
                    ("scripts", all(s.startswith("htmx") for s in w["scripts"])),
                    ("css fetches " + " ".join(w["css_fetches"]), not w["css_fetches"]),
                ]
                if not ok
            ]
            kb = round((w["html"] + w["css"]) / KB, 1)
            rows.append(
                [
                    label,
                    w["status"],
                    w["html"],
                    w["css"],
                    w["js"],
                    w["other"],
                    kb,
                    w["requests"],
                    " ".join(w["scripts"]) or "-",
                    ", ".join(missed) or "ok",
                ]
            )
            checks.append(
                (
                    f"{label}: < 30 KB HTML+CSS, <= 4 requests, JS only htmx, CSS fetches nothing",
                    not missed,
                )
            )
    headings = ["page", "status", "HTML", "CSS", "JS", "other", "HTML+CSS KB", "requests"]
    print(harness.table(rows, [*headings, "scripts", "missed"]))

    harness.banner("Static files as served (whitenoise)")
    print(
        harness.table(
            headers,
            ["file", "bytes", "encoding", "bytes sent", "hashed name", "cached forever"],
        )
    )
    for name, _size, encoding, _sent, hashed, forever in headers:
        compressible = name.endswith((".css", ".js", ".svg"))
        ok = hashed and forever and (encoding != "none" or not compressible)
        checks.append((f"static {name}: hashed, compressed, cached forever", ok))
    harness.report(checks)


if __name__ == "__main__":
    harness.run_script(main)
