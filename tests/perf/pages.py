"""The weight of every page and its query count at 1 and at 500 reflections.

    .venv/bin/python tests/perf/pages.py             # after bin/setup --dev; about 30 seconds

Starts gunicorn with the production settings (whitenoise serving the static
files as guide.storage collects them: hashed, compressed, the CSS minified)
on a fresh SQLite database with two people: one with 1 reflection and 1
check-in, one with 500 of each. For each page it loads the HTML and what a
browser with an empty cache fetches for it (its stylesheets, scripts and
images, and the one icon it picks), and prints the bytes of HTML, CSS and
JavaScript before compression, the JavaScript files by name and the number
of requests. The stylesheets must fetch nothing further: a url() in them is
fetched or not depending on the browser's width, theme and medium, so rather
than guess, any url() or @import found in them fails a check.
Then it counts the database queries of each page (session and user included)
for both people, and of an autosave, and checks the static files' headers:
hashed names, compressed (br or gzip), cached for a year and immutable.

Targets: HTML and CSS together under 30 KB, JavaScript only htmx, at most 4
requests for a cold load; queries the same at 1 and 500 reflections;
autosave at most 4 queries.
"""

import harness  # noqa: I001 (first: it patches the standard library for gevent)

import argparse
import re
from urllib.parse import urljoin, urlsplit

HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
CSS_FETCHES = re.compile(r"@import|url\(\s*['\"]?(?!data:)[^'\")]+['\"]?\s*\)")
KB = 1024


def one_icon(assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The assets a browser fetches: of the icons a page offers it fetches one
    (Chromium 156 on a cold load takes the SVG and leaves the .ico for
    browsers and tools that cannot use it), so only that one is counted."""
    icons = [src for kind, src in assets if kind == "icon"]
    chosen = next((src for src in icons if src.split("?")[0].endswith(".svg")), None)
    chosen = chosen or (icons[0] if icons else None)
    return [(kind, src) for kind, src in assets if kind != "icon" or src == chosen]


def cold_load(browser: harness.Browser, path: str) -> dict:
    """A page and every file it pulls in, as with an empty cache."""
    page = browser.get(path)
    weight = {"status": page.status, "html": len(page.body.encode()), "css": 0, "js": 0}
    weight |= {"other": 0, "requests": 1, "scripts": [], "assets": [], "css_fetches": []}
    assets = harness.parse_page(page.body).assets
    seen: set[str] = set()
    for _kind, src in one_icon(assets):
        url = urljoin(path, src)
        asset = urlsplit(url).path
        if asset in seen or url.startswith("data:"):
            continue
        seen.add(asset)
        response = browser.get(asset)
        size = len(response.body.encode())
        weight["requests"] += 1
        weight["assets"].append(asset)
        if asset.endswith(".css"):
            weight["css"] += size
            weight["css_fetches"] += CSS_FETCHES.findall(response.body)
        elif asset.endswith(".js"):
            weight["js"] += size
            weight["scripts"].append(asset.rsplit("/", 1)[-1])
        else:
            weight["other"] += size
    return weight


def static_headers(url: str, assets: set[str]) -> list[list]:
    rows = []
    for asset in sorted(assets):
        plain = harness.Browser(url).get(asset)
        packed = harness.Browser(url).get(asset, headers={"Accept-Encoding": "br, gzip"})
        cache = packed.header("cache-control")
        rows.append(
            [
                asset.rsplit("/", 1)[-1],
                len(plain.body.encode()),
                packed.header("content-encoding") or "none",
                int(packed.header("content-length") or 0),
                bool(HASHED.search(asset)),
                "max-age=315360000" in cache and "immutable" in cache,
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--many", type=int, default=500, help="reflections of the busy person")
    parser.add_argument("--port", type=int, default=18600)
    args = parser.parse_args()

    run = harness.Run("sqlite")
    few = run.prepare(people=1, reflections=1, check_ins=1, prefix="few")[0]
    many = run.seed(1, args.many, "many", check_ins=args.many)[0]
    server = run.server(harness.ports(args.port)[0]).start()
    try:
        visitor = harness.Browser(server.url)
        public = ["/", "/accounts/login/", "/accounts/signup/", "/help/", "/privacy/"]
        signed_out = {p: cold_load(visitor, p) for p in public}
        reader = harness.signed_in_browsers(server.url, [few])[0]
        walk = harness.Walk.find(reader)
        paths = ["/", walk.journey, walk.stages[0], "/reflections/", walk.check_ins, "/account/"]
        names = dict(
            zip(
                paths,
                ["home", "journey", "stage", "reflections", "check-ins", "account"],
                strict=True,
            )
        )
        signed_in = {p: cold_load(reader, p) for p in paths}
        busy = harness.signed_in_browsers(server.url, [many])[0]
        busy_html = {p: len(busy.get(p).body.encode()) for p in paths}
        assets = {a for w in [*signed_out.values(), *signed_in.values()] for a in w["assets"]}
        headers = static_headers(server.url, assets)
    finally:
        server.stop()
    counts = {
        who: run.in_django("queries", "--user", who, *[a for p in paths for a in ("--path", p)])[
            "queries"
        ]
        for who in (few, many)
    }

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
            rows.append(
                [
                    label,
                    w["status"],
                    w["html"],
                    w["css"],
                    w["js"],
                    w["other"],
                    round((w["html"] + w["css"]) / KB, 1),
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
    print(
        harness.table(
            rows,
            [
                "page",
                "status",
                "HTML",
                "CSS",
                "JS",
                "other",
                "HTML+CSS KB",
                "requests",
                "scripts",
                "missed",
            ],
        )
    )

    harness.banner(
        f"Queries per request (session and user included), 1 and {args.many} reflections"
    )
    rows = []
    for label in counts[few]:
        one, lots = counts[few][label], counts[many].get(label, {})
        same = one["queries"] == lots.get("queries")
        html = busy_html.get(label)
        rows.append(
            [
                names.get(label, label),
                one["status"],
                one["queries"],
                lots.get("queries", "-"),
                html if html is not None else "-",
                harness.verdict(same),
            ]
        )
        checks.append(
            (f"{names.get(label, label)}: the same query count at 1 and {args.many}", same)
        )
    print(
        harness.table(
            rows,
            [
                "request",
                "status",
                "queries @1",
                f"queries @{args.many}",
                f"HTML bytes @{args.many}",
                "constant",
            ],
        )
    )
    saves = [counts[few][k]["queries"] for k in counts[few] if k.startswith("autosave (update")]
    checks.append(("autosave (update): at most 4 queries", bool(saves) and max(saves) <= 4))

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

    print()
    for text, ok in checks:
        print(f"{harness.verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    harness.run_script(main)
