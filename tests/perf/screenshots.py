"""Screenshots of Nearer's main pages, with a demo person's warm, plausible notes.

    .venv/bin/python tests/perf/screenshots.py [--out docs/screenshots] [--only PAGE ...]

Renders every page in PAGES at a phone's width (390 px) and a laptop's
(1280 px) in Debian's Chromium, as full-page PNGs named `<page>-<width>.png`,
and the pages in DARK with the dark theme, as `<page>-<width>-dark.png`.
The data lives in a throwaway SQLite database (tests/perf/demo_site.py)
that is removed afterwards; nothing of it is committed but the pictures.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_ARGS
from tests.perf.demo_site import DemoSite
from tests.perf.processes import ROOT

JOURNEY = "/journeys/finding-each-other-again"

# (name, address, signed in)
PAGES = [
    ("home", "/", False),
    ("sign-up", "/accounts/signup/", False),
    ("home-signed-in", "/", True),
    ("journey", f"{JOURNEY}/", True),
    ("stage", f"{JOURNEY}/accepting-what-changed/", True),
    ("reflections", "/reflections/", True),
    ("reflections-search", "/reflections/?q=walk", True),
    ("check-ins", f"{JOURNEY}/check-ins/", True),
    ("account", "/account/", True),
]
DARK = {"home-signed-in", "stage", "check-ins"}
WIDTHS = {390: 844, 1280: 900}


def shoot(browser, site: DemoSite, out: Path, scheme: str, width: int, signed_in: bool, pages):
    context = browser.new_context(
        base_url=site.url,
        viewport={"width": width, "height": WIDTHS[width]},
        color_scheme=scheme,
        reduced_motion="reduce",
    )
    if signed_in:
        context.add_cookies([site.browser_cookie()])
    page = context.new_page()
    for name, path, wants_sign_in in pages:
        if wants_sign_in != signed_in or (scheme == "dark" and name not in DARK):
            continue
        page.goto(path)
        suffix = "-dark" if scheme == "dark" else ""
        target = out / f"{name}-{width}{suffix}.png"
        page.screenshot(path=target, full_page=True, animations="disabled")
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="page names to render (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [page for page in PAGES if not args.only or page[0] in args.only]

    with DemoSite() as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for scheme in ("light", "dark"):
            for width in WIDTHS:
                for signed_in in (False, True):
                    shoot(browser, site, args.out, scheme, width, signed_in, pages)
        browser.close()


if __name__ == "__main__":
    main()
