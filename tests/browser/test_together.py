"""Two people, each in their own browser, linking, sharing, answering
together, comparing readiness and unlinking, with JavaScript on and off."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from journeys.models import CheckIn, Prompt, Readiness, Reflection
from tests.conftest import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DIFFERENT_PLACES = "You may be in different places this week."


def person(browser: Browser, live_server, username: str, javascript: bool) -> Page:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def shot(page: Page, name: str, javascript: bool) -> None:
    if javascript:
        page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_two_partners_link_share_answer_together_compare_and_unlink(
    browser: Browser, live_server, alice, bob, journey, javascript
):
    prompt = Prompt.objects.get(stage__slug="accepting", audience="everyone")
    Reflection.objects.create(
        user=alice, prompt=prompt, prompt_text=prompt.text, text="Alice wrote about accepting"
    )
    alice_page = person(browser, live_server, "alice", javascript)
    bob_page = person(browser, live_server, "bob", javascript)

    # Link by the code.
    alice_page.goto("/partner/")
    expect(alice_page.locator("#partner-status")).to_contain_text("Not linked.")
    alice_page.get_by_label("Your password").fill(PASSWORD)
    alice_page.get_by_role("button", name="Invite my partner").click()
    code = alice_page.locator("#invitation-code").inner_text()
    bob_page.goto("/partner/")
    bob_page.get_by_label("Invitation code").fill(code)
    bob_page.get_by_role("button", name="Continue").click()
    expect(bob_page.get_by_text("alice invites you to link your accounts.")).to_be_visible()
    bob_page.get_by_label("Your password").fill(PASSWORD)
    bob_page.get_by_role("button", name="Link our accounts").click()
    expect(bob_page.locator("#partner-status")).to_have_text("You are linked with alice.")
    alice_page.goto("/partner/")
    expect(alice_page.locator("#partner-status")).to_have_text("You are linked with bob.")
    shot(alice_page, "partner", javascript)

    # Share one reflection; the partner sees it; stop, and they no longer do.
    bob_page.goto("/partner/shared/")
    expect(bob_page.get_by_text("Alice wrote about accepting")).to_have_count(0)
    alice_page.goto("/journeys/together/accepting/")
    alice_page.get_by_role("button", name="Share with bob").click()
    expect(alice_page.get_by_text("Shared with bob")).to_be_visible()
    alice_page.locator(".sharing").first.scroll_into_view_if_needed()
    if javascript:
        alice_page.screenshot(path=SCREENSHOTS / "partner-stage-390.png")
    bob_page.goto("/partner/shared/")
    expect(bob_page.get_by_text("Alice wrote about accepting")).to_be_visible()
    shot(bob_page, "partner-shared", javascript)
    alice_page.get_by_role("button", name="Stop sharing").click()
    expect(alice_page.get_by_role("button", name="Share with bob")).to_be_visible()
    bob_page.reload()
    expect(bob_page.get_by_text("Alice wrote about accepting")).to_have_count(0)

    # Answer together: nothing of the other before both answered, both after.
    alice_page.goto("/journeys/together/accepting/")
    alice_page.get_by_role("button", name="Answer this together").click()
    alice_page.get_by_label("Your answer").fill("Alice answers together")
    if javascript:
        # The answer saves as she writes, like every box; the button then gives that one.
        expect(alice_page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    alice_page.get_by_role("button", name="Save my answer").click()
    expect(
        alice_page.get_by_text(
            "When you have both answered, you will both see the two answers here."
        )
    ).to_be_visible()
    bob_page.goto("/partner/")
    bob_page.get_by_role("link", name=prompt.text).click()
    expect(bob_page.get_by_text("Alice answers together")).to_have_count(0)
    bob_page.get_by_label("Your answer").fill("Bob answers together")
    bob_page.get_by_role("button", name="Save my answer").click()
    expect(bob_page.get_by_text("Alice answers together")).to_be_visible()
    # Encrypted at rest: compared once read back.
    texts = [reflection.text for reflection in Reflection.objects.all()]
    assert texts.count("Alice answers together") == 1
    alice_page.reload()
    expect(alice_page.get_by_text("Bob answers together")).to_be_visible()
    shot(alice_page, "partner-together", javascript)
    together_address = alice_page.url.replace(live_server.url, "")

    # Compare readiness: the sentence only once both opted in.
    for user, readiness in ((alice, Readiness.NOT_AT_ALL), (bob, Readiness.MOSTLY)):
        CheckIn.objects.create(user=user, journey=journey, readiness=readiness)
    alice_page.goto("/journeys/together/check-ins/")
    alice_page.get_by_role("button", name="Switch on").click()
    expect(alice_page.get_by_text(DIFFERENT_PLACES)).to_have_count(0)
    bob_page.goto("/journeys/together/check-ins/")
    bob_page.get_by_role("button", name="Switch on").click()
    expect(bob_page.get_by_text(DIFFERENT_PLACES)).to_be_visible()
    alice_page.reload()
    expect(alice_page.get_by_text(DIFFERENT_PLACES)).to_be_visible()

    # Unlink: nothing of either remains visible to the other.
    bob_page.goto("/partner/")
    bob_page.get_by_role("button", name="Unlink").click()
    expect(bob_page.locator("#partner-status")).to_contain_text("Not linked.")
    alice_page.goto("/partner/")
    expect(alice_page.locator("#partner-status")).to_contain_text("Not linked.")
    for page in (alice_page, bob_page):
        page.goto("/partner/shared/")
        expect(page.get_by_text("answers together")).to_have_count(0)
        page.goto("/journeys/together/check-ins/")
        expect(page.get_by_text(DIFFERENT_PLACES)).to_have_count(0)
    assert alice_page.goto(together_address).status == 404
