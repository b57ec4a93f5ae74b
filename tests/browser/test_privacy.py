"""In a real browser: nothing from another origin, no CSP violation, no note text kept."""

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, write_notes

REFLECTION = "A sentence that must stay on the server"
NOTE = "A check-in note that must stay on the server"
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page: Page) -> tuple[list[str], list[str]]:
    """Every URL the page requests, and every CSP complaint in the console."""
    requested: list[str] = []
    complaints: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(VIOLATIONS)
    return requested, complaints


def sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()


def test_every_page_loads_only_from_the_site_itself_without_csp_violations(
    page: Page, live_server, alice, journey
):
    write_notes(alice, journey, REFLECTION, NOTE)
    requested, complaints = watch(page)
    sign_in(page, live_server)
    pages = [
        "/",
        "/help/",
        "/privacy/",
        "/account/",
        "/account/delete/",
        "/reflections/",
        "/journeys/together/",
        "/journeys/together/accepting/",
        "/journeys/together/check-ins/",
        "/accounts/password_change/",
    ]

    for path in pages:
        page.goto(live_server.url + path)
        assert page.evaluate("window.__violations") == [], path

    origin = urlsplit(live_server.url).netloc
    foreign = {url for url in requested if urlsplit(url).netloc not in ("", origin)}
    assert not foreign
    assert not complaints


def test_no_note_text_is_kept_in_the_browsers_storage(page: Page, live_server, alice, journey):
    write_notes(alice, journey, REFLECTION, NOTE)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reflections/")
    page.get_by_label("Search my reflections").fill("sentence")
    expect(page).to_have_url(f"{live_server.url}/reflections/?q=sentence&stage=")
    page.goto(f"{live_server.url}/journeys/together/check-ins/")
    page.goto(f"{live_server.url}/journeys/together/accepting/")
    page.go_back()

    stored = page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )
    assert REFLECTION not in stored
    assert NOTE not in stored


def test_a_person_deletes_their_account_and_is_told_so(page: Page, live_server, alice, journey):
    write_notes(alice, journey, REFLECTION, NOTE)
    sign_in(page, live_server)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_text("It cannot be undone")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()

    expect(page.get_by_text("Your account and everything in it are deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_signing_out_everywhere_signs_out_this_browser_too(page: Page, live_server, alice):
    sign_in(page, live_server)
    page.get_by_role("link", name="Account").click()

    page.get_by_role("button", name="Sign out everywhere").click()

    expect(page.get_by_text("You are signed out on every device")).to_be_visible()
    page.goto(f"{live_server.url}/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
