"""axe-core on every page a person can reach, at WCAG 2.2 A and AA.

Each test walks a group of pages in one browser context and gathers every
violation before failing, so one run shows everything that needs fixing:
the page, the rule, what to change, and where.
"""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from journeys.models import CheckIn, Journey, Reflection
from tests.browser.demo import JOURNEY_SLUG, STAGE_SLUG, seed_demo_person, session_cookie

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_22_AA},
    "resultTypes": ["violations"],
}

axe = Axe()


# WCAG 1.3.5, which axe can only check when the attribute is there: a field
# that asks for the person's name, email or password says so, so the browser
# can fill it in.
WITHOUT_PURPOSE = """() => [...document.querySelectorAll(
  "input[type=email], input[type=password], input[name=username]"
)].filter(input => !input.getAttribute("autocomplete")).map(input => input.name)"""


def violations_on(page: Page, name: str) -> list[str]:
    """Readable lines, one per violation and element, for the page open now."""
    # A page that answers a form can show its error before its stylesheet has
    # arrived; measured unstyled, every link is too small a target.
    page.wait_for_load_state("load")
    results = axe.run(page, options=AXE_OPTIONS)
    lines = [
        f"{name} ({page.url}): [identify-input-purpose] the field {field!r} has no autocomplete"
        for field in page.evaluate(WITHOUT_PURPOSE)
    ]
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(
                f"{name} ({page.url}): [{violation['id']}, {violation['impact']}] "
                f"{violation['help']}\n    at {', '.join(map(str, node['target']))}\n"
                f"    {summary}\n    {violation['helpUrl']}"
            )
    return lines


# GOV.UK's pattern: a summary above the fields whose links lead to them, and
# each error beside its field, named by the field's aria-describedby.
FORM_ERRORS = """() => {
  const problems = [];
  const summary = document.querySelector(".error-summary");
  if (!summary) return ["there is no error summary"];
  const first = document.querySelector(".field");
  if (first && summary.compareDocumentPosition(first) !== Node.DOCUMENT_POSITION_FOLLOWING) {
    problems.push("the error summary is not above the fields");
  }
  for (const link of summary.querySelectorAll("a")) {
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target || !target.matches("input, select, textarea")) {
      problems.push(`"${link.textContent.trim()}" does not lead to a field`);
    }
  }
  for (const field of document.querySelectorAll(".field--error")) {
    const message = field.querySelector(".error-message[id]");
    const described = field.querySelector("[aria-describedby]");
    const names = described ? described.getAttribute("aria-describedby").split(" ") : [];
    if (!message || !names.includes(message.id)) {
      const label = field.querySelector(".label").textContent.trim();
      problems.push(`the error of "${label}" is not tied to its field`);
    }
  }
  if (!document.querySelectorAll(".field--error").length && !summary.querySelector("li")) {
    problems.push("the error summary lists nothing");
  }
  return problems;
}"""


def errors_on(page: Page, name: str) -> list[str]:
    """axe's violations and GOV.UK's error pattern, on a page showing form errors."""
    return violations_on(page, name) + [
        f"{name} ({page.url}): {problem}" for problem in page.evaluate(FORM_ERRORS)
    ]


def assert_no_violations(found: list[str]) -> None:
    assert not found, f"{len(found)} accessibility problem(s):\n\n" + "\n\n".join(found)


def scan(page: Page, pages: list[tuple[str, str]]) -> list[str]:
    found = []
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.ok, f"{name}: {path} answered {response}"
        found += violations_on(page, name)
    return found


@pytest.fixture
def journey(db) -> Journey:
    call_command("load_journeys", stdout=io.StringIO())
    return Journey.objects.get(slug=JOURNEY_SLUG)


@pytest.fixture
def maya(journey):
    return seed_demo_person(journey)


def signed_in_context(browser: Browser, live_server, user, **options) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies([session_cookie(user, live_server.url)])
    return context


def signed_in_pages(maya) -> list[tuple[str, str]]:
    reflection = Reflection.objects.for_user(maya).first()
    stage_id = reflection.prompt.stage_id
    check_in = CheckIn.objects.for_user(maya).first()
    return [
        ("home, signed in", "/"),
        ("journey overview", f"/journeys/{JOURNEY_SLUG}/"),
        ("stage with reflections", f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/"),
        ("stage not started", f"/journeys/{JOURNEY_SLUG}/shared-hopes/"),
        ("my reflections", "/reflections/"),
        ("my reflections, searched", "/reflections/?q=Sam"),
        ("my reflections, by stage", f"/reflections/?q=&stage={stage_id}"),
        ("my reflections, nothing found", "/reflections/?q=elephant"),
        ("edit a reflection", f"/reflections/{reflection.pk}/edit/"),
        ("delete a reflection", f"/reflections/{reflection.pk}/delete/"),
        ("check-ins with data", f"/journeys/{JOURNEY_SLUG}/check-ins/"),
        ("check-ins, all of them", f"/journeys/{JOURNEY_SLUG}/check-ins/?period=all"),
        ("change a check-in", f"/journeys/{JOURNEY_SLUG}/check-ins/{check_in.pk}/change/"),
        ("delete a check-in", f"/journeys/{JOURNEY_SLUG}/check-ins/{check_in.pk}/delete/"),
        ("account", "/account/"),
        ("a summary for the care team", "/account/summary/"),
        ("change password", "/accounts/password_change/"),
        ("delete account", "/account/delete/"),
        ("getting help, signed in", "/help/"),
        ("privacy, signed in", "/privacy/"),
    ]


SIGNED_OUT_PAGES = [
    ("home, signed out", "/"),
    ("sign up", "/accounts/signup/"),
    ("sign in", "/accounts/login/"),
    ("password reset", "/accounts/password_reset/"),
    ("password reset sent", "/accounts/password_reset/done/"),
    ("password reset link no longer works", "/accounts/reset/MQ/not-a-token/"),
    ("getting help", "/help/"),
    ("privacy", "/privacy/"),
]


def test_every_page_a_signed_out_person_can_reach_passes_axe(
    browser: Browser, live_server, journey
):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    found = scan(page, SIGNED_OUT_PAGES)

    # Tools and browsers that ask for /favicon.ico get the icon, not a 404.
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.body().startswith(b"\x00\x00\x01\x00")
    context.close()
    assert_no_violations(found)


def test_every_page_a_signed_in_person_can_reach_passes_axe(browser: Browser, live_server, maya):
    context = signed_in_context(browser, live_server, maya)
    page = context.new_page()
    found = scan(page, signed_in_pages(maya))

    # The export links answer with files to keep, not pages.
    page.goto("/account/")
    for link_name in ["a text file you can open anywhere", "as data"]:
        with page.expect_download() as download:
            page.get_by_role("link", name=link_name).click()
        assert download.value.suggested_filename.startswith("nearer-")
    context.close()
    assert_no_violations(found)


def test_every_form_with_errors_passes_axe_and_keeps_what_was_typed(
    browser: Browser, live_server, maya
):
    found = []
    signed_out = browser.new_context(base_url=live_server.url)
    page = signed_out.new_page()

    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "sign up with errors")
    expect(page.get_by_label("Username")).to_have_value("maya")
    # The summary's links lead to the fields.
    page.locator(".error-summary a").first.click()
    expect(page.get_by_label("Username")).to_be_focused()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "sign in with errors")
    expect(page.get_by_label("Username")).to_have_value("maya")

    page.goto("/accounts/password_reset/")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "password reset with errors")
    signed_out.close()

    context = signed_in_context(browser, live_server, maya)
    page = context.new_page()
    page.goto(f"/journeys/{JOURNEY_SLUG}/check-ins/")
    page.get_by_label("A short note").fill("Tired, but hopeful.")
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "check-in with an error (in place)")
    expect(page.get_by_label("A short note")).to_have_value("Tired, but hopeful.")

    reflection = Reflection.objects.for_user(maya).first()
    page.goto(f"/reflections/{reflection.pk}/edit/")
    page.locator("textarea").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "reflection edit with empty text")

    page.goto("/account/")
    page.get_by_label("Username").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "account details with errors")

    page.goto("/account/delete/")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "account delete with a wrong password")

    # Without JavaScript the same forms answer with whole pages. axe needs
    # JavaScript, so the forms are sent as a browser without it would send
    # them: form.submit() skips htmx, and the answer is the whole page.
    page.goto(f"/journeys/{JOURNEY_SLUG}/check-ins/")
    page.locator("form.check-in__form").evaluate("form => form.submit()")
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "check-in with an error (whole page)")

    page.goto(f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/")
    page.locator(".reflection-form textarea").first.evaluate(
        "box => { box.value = 'x'.repeat(20001); box.form.submit() }"
    )
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "stage page with a reflection too long to save")
    assert len(page.locator("textarea").first.input_value()) == 20_001

    page.goto("/account/summary/")
    page.get_by_label("Question 1", exact=True).fill("x" * 501)
    page.get_by_role("button", name="Add a question").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "summary questions with one too long (in place)")
    page.locator("form.summary-form").evaluate(
        "form => form.requestSubmit(form.querySelector('button[value=add]'))"
    )
    expect(page).to_have_url(re.compile(r"/account/summary/questions/$"))
    expect(page.locator(".error-summary")).to_be_visible()
    found += errors_on(page, "summary questions with one too long (whole page)")
    assert page.get_by_label("Question 1", exact=True).input_value() == "x" * 501
    page.get_by_role("button", name="Clear all questions", exact=True).click()
    expect(page.get_by_role("group", name="Clear your question?")).to_be_focused()
    found += violations_on(page, "summary questions, asking before clearing them")
    context.close()
    assert_no_violations(found)


def test_the_dark_theme_passes_axe_contrast_on_the_key_pages(browser: Browser, live_server, maya):
    context = signed_in_context(browser, live_server, maya, color_scheme="dark")
    page = context.new_page()
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    reflection = Reflection.objects.for_user(maya).first()
    found = scan(
        page,
        [
            ("home, signed in, dark", "/"),
            ("journey overview, dark", f"/journeys/{JOURNEY_SLUG}/"),
            ("stage, dark", f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/"),
            ("my reflections, dark", "/reflections/?q=Sam"),
            ("check-ins, dark", f"/journeys/{JOURNEY_SLUG}/check-ins/"),
            ("account, dark", "/account/"),
            ("delete a reflection, dark", f"/reflections/{reflection.pk}/delete/"),
        ],
    )
    page.goto(f"/reflections/{reflection.pk}/edit/")
    page.locator("textarea").fill("")
    page.get_by_role("button", name="Save").click()
    found += violations_on(page, "reflection edit with an error, dark")
    # The focus ring, too: contrast is checked on what is on screen.
    page.keyboard.press("Tab")
    found += violations_on(page, "reflection edit with focus, dark")
    context.close()

    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    page = context.new_page()
    found += scan(page, [("home, signed out, dark", "/"), ("sign up, dark", "/accounts/signup/")])
    page.get_by_role("button", name="Create account").click()
    found += violations_on(page, "sign up with errors, dark")
    context.close()
    assert_no_violations(found)


# Records, for every live region in the page, its text after each change (a
# screen reader speaks again even when the new text is the same), and marks
# the region's node: a region replaced by a swap loses its
# mark (and is often not heard at all by screen readers).
LISTEN = """() => {
  window.heard = {};
  for (const region of document.querySelectorAll("[role=status], [role=alert], [aria-live]")) {
    region.dataset.listened = "yes";
    const said = (window.heard[region.id] = []);
    new MutationObserver(() => {
      const text = region.textContent.trim().replace(/\\s+/g, " ");
      said.push(text);
    }).observe(region, { childList: true, subtree: true, characterData: true });
  }
}"""

LIVE_REGIONS = """() => [...document.querySelectorAll("[role=status], [role=alert], [aria-live]")]
  .map(r => ({
  id: r.id,
  kept: r.dataset.listened === "yes",
  polite: r.getAttribute("role") === "status" || r.getAttribute("aria-live") === "polite",
  nested: Boolean(r.parentElement.closest("[role=status], [role=alert], [aria-live]")),
}))"""


def heard(page: Page, region_id: str) -> list[str]:
    regions = {region["id"]: region for region in page.evaluate(LIVE_REGIONS)}
    assert region_id in regions, f"#{region_id} is no longer in the page"
    region = regions[region_id]
    assert region["kept"], f"#{region_id} was replaced, not updated: it may not be heard"
    assert region["polite"] and not region["nested"], region
    return page.evaluate(f"window.heard[{region_id!r}]")


def test_saving_marking_checking_in_and_searching_are_each_heard_once_politely(
    browser: Browser, live_server, maya
):
    context = signed_in_context(browser, live_server, maya)
    page = context.new_page()

    page.goto(f"/journeys/{JOURNEY_SLUG}/{STAGE_SLUG}/")
    page.evaluate(LISTEN)
    status = page.locator(".prompt").first.get_by_role("status")
    status_id = status.get_attribute("id")
    page.locator("textarea").first.fill("Some days are lighter than others.")
    expect(status).to_contain_text("Saved at")
    page.locator(".prompt").first.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    said = heard(page, status_id)
    assert len(said) == 1 and said[0].startswith("Saved at"), said

    page.get_by_role("button", name="Undo “Done”").click()
    expect(page.get_by_role("button", name="Mark as done")).to_be_visible()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("button", name="Undo “Done”")).to_be_visible()
    said = heard(page, "progress-message")
    assert len(said) == 2 and all(said), said
    assert "Done" not in heard(page, status_id)[1:], "marking the stage spoke in the save status"

    page.goto(f"/journeys/{JOURNEY_SLUG}/check-ins/")
    page.evaluate(LISTEN)
    page.get_by_role("radio", name="Mostly ready").check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator("#check-in-status")).to_contain_text("Saved: Mostly ready")
    assert len(heard(page, "check-in-status")) == 1

    page.goto("/reflections/")
    page.evaluate(LISTEN)
    # Results come as the person types, after a short pause.
    page.get_by_label("Search my reflections").fill("pillows")
    expect(page.locator("#result-count")).to_contain_text("1 reflection contains “pillows”.")
    assert heard(page, "result-count") == ["1 reflection contains “pillows”."]
    context.close()
