"""Readable on a small phone, at 200% zoom and on a laptop, for tired eyes and shaking hands.

- No horizontal scrolling at 320 px wide, nor at 640 px (a 1280 px screen
  zoomed to 200%).
- Touch targets at least 44 px: buttons, form controls, radios with their
  labels, links in navigation, and links that stand on their own line.
- Text at least 16 px on a phone; body text at least 19 px on a laptop
  (GOV.UK's scale), with about 70 characters a line at most.
- The dark theme follows `prefers-color-scheme`, and nothing moves when a
  person asks for reduced motion.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from journeys.models import CheckIn, Journey, Reflection
from tests.browser.demo import JOURNEY_SLUG, STAGE_SLUG, seed_demo_person, session_cookie

SIGNED_OUT = [
    "/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/help/",
    "/privacy/",
]

BODY_TEXT = ", ".join(
    f"main {element}"
    for element in [
        "p",
        "li",
        "dd",
        "dt",
        "label",
        "legend",
        ".hint",
        "textarea",
        "input",
        "summary",
    ]
)

# Small print that GOV.UK also sets at 16 px on every screen: the caption
# over a heading, breadcrumbs, status tags, dates and the actions under a
# note, the status of a save, and the footer.
SMALL_PRINT = ", ".join(
    [
        ".caption",
        ".breadcrumbs",
        ".back-link",
        ".tag",
        ".earlier__date",
        ".earlier__actions",
        ".reflection__actions",
        ".stage-pager__label",
        ".task-list__suggested",
        ".pagination__where",
        ".leave-quickly",
        ".site-footer",
        ".site-header",
        ".table",
        ".chart",
    ]
)

MEASURE = (Path(__file__).parent / "layout.js").read_text()


def measure(page: Page, check: str, argument=None):
    """Runs one of layout.js's checks in the page."""
    return page.evaluate(f"argument => ({MEASURE}).{check}(argument)", argument)


@pytest.fixture
def maya(db):
    call_command("load_journeys", stdout=io.StringIO())
    return seed_demo_person(Journey.objects.get(slug=JOURNEY_SLUG))


def signed_in_paths(maya) -> list[str]:
    reflection = Reflection.objects.for_user(maya).first()
    check_in = CheckIn.objects.for_user(maya).first()
    return [
        "/",
        f"/journeys/{JOURNEY_SLUG}/",
        f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/",
        "/reflections/",
        "/reflections/?q=Sam",
        f"/reflections/{reflection.pk}/edit/",
        f"/reflections/{reflection.pk}/delete/",
        f"/journeys/{JOURNEY_SLUG}/check-ins/",
        f"/journeys/{JOURNEY_SLUG}/check-ins/{check_in.pk}/change/",
        f"/journeys/{JOURNEY_SLUG}/check-ins/{check_in.pk}/delete/",
        "/account/",
        "/account/summary/",
        "/account/delete/",
        "/accounts/password_change/",
    ]


def pages_at(browser: Browser, live_server, maya, width: int, height: int = 800, **options):
    """Every main page at this viewport: (address, page open at it), signed out then in."""
    paths = [(path, False) for path in SIGNED_OUT] + [(p, True) for p in signed_in_paths(maya)]
    contexts = {}
    for signed_in in (False, True):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, **options
        )
        if signed_in:
            context.add_cookies([session_cookie(maya, live_server.url)])
        contexts[signed_in] = context.new_page()
    try:
        for path, signed_in in paths:
            page = contexts[signed_in]
            page.goto(path)
            yield path, page
    finally:
        for page in contexts.values():
            page.context.close()


def report(problems: dict[str, list[str]], what: str) -> None:
    problems = {path: found for path, found in problems.items() if found}
    lines = [f"{path}:\n    " + "\n    ".join(found) for path, found in problems.items()]
    assert not problems, f"{what}:\n" + "\n".join(lines)


@pytest.mark.parametrize("width", [320, 640], ids=["320px-phone", "640px-as-1280px-at-200%-zoom"])
def test_no_page_scrolls_sideways_on_a_small_phone_or_at_200_percent_zoom(
    browser: Browser, live_server, maya, width
):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, width):
        problems[path] = measure(page, "overflowing")
    report(problems, f"Pages wider than {width}px (elements past the right edge)")


def test_no_page_scrolls_sideways_with_the_text_alone_at_200_percent(
    browser: Browser, live_server, maya
):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, 1280):
        # As a browser's "text size" setting does: every rem doubles.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
        problems[path] = measure(page, "overflowing")
    report(problems, "Pages wider than 1280px with text at 200% (elements past the right edge)")


def test_touch_targets_are_at_least_44px_on_a_phone(browser: Browser, live_server, maya):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, 390, 844, has_touch=True):
        problems[path] = measure(page, "smallTargets", 44)
    report(problems, "Targets smaller than 44px")


def test_text_is_at_least_16px_on_a_phone(browser: Browser, live_server, maya):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, 390, 844):
        problems[path] = measure(page, "smallText", [16, "body *", ""])
    report(problems, "Text smaller than 16px on a phone")


def test_body_text_is_at_least_19px_with_about_70_characters_a_line_on_a_laptop(
    browser: Browser, live_server, maya
):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, 1280, 900):
        problems[path] = measure(page, "smallText", [19, BODY_TEXT, SMALL_PRINT])
        problems[path] += measure(page, "longLines", 72)
    report(problems, "Body text under 19px, or lines too long, on a laptop")


def test_the_dark_theme_follows_the_system_setting(browser: Browser, live_server, maya):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
        page = context.new_page()
        page.goto("/")
        colours[scheme] = measure(page, "colours")
        context.close()

    def lightness(rgb: str) -> float:
        red, green, blue = (int(part) for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
        return (red + green + blue) / 3

    light_background, light_text = colours["light"]
    dark_background, dark_text = colours["dark"]
    assert lightness(light_background) > 200 and lightness(light_text) < 60
    assert lightness(dark_background) < 60 and lightness(dark_text) > 200


def test_nothing_moves_when_a_person_asks_for_reduced_motion(browser: Browser, live_server, maya):
    problems = {}
    for path, page in pages_at(browser, live_server, maya, 1280, 900, reduced_motion="reduce"):
        problems[path] = measure(page, "moving")
    report(problems, "Moving with prefers-reduced-motion: reduce")


def test_a_page_prints_its_text_without_the_navigation(page: Page, live_server, maya):
    context = page.context
    context.add_cookies([session_cookie(maya, live_server.url)])
    for path in [f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/", "/reflections/"]:
        page.goto(live_server.url + path)
        page.emulate_media(media="print")
        navigation = [".leave-quickly", ".site-header", ".site-footer__links", "form"]
        shown = measure(page, "shown", [*navigation, ".breadcrumbs", ".stage-pager"])
        assert shown == [], f"{path} prints {shown}"
        assert page.locator("h1").is_visible()
        assert page.locator("main").inner_text().strip()
        page.emulate_media(media="screen")
