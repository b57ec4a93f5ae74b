import re

from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD


def test_a_new_person_signs_up_and_is_welcomed_as_new(page: Page, live_server, journey):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create a private account").click()

    page.get_by_label("Username").fill("river")
    page.get_by_label("I am the partner of someone who is recovering").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Nearer, river")
    expect(page.get_by_role("link", name="Read the introduction")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    for name in ["Your journey", "My reflections", "Check-ins", "Account"]:
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
        ).to_be_visible()


def test_the_time_zone_comes_from_the_device_and_shows_on_the_account_page(
    browser: Browser, live_server, journey
):
    page = browser.new_context(timezone_id="America/Toronto").new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_label("Your time zone")).to_have_value("America/Toronto")

    page.get_by_label("Username").fill("river")
    page.get_by_label("I would rather not say").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("link", name="Account").click()

    expect(page.get_by_label("Your time zone")).to_have_value("America/Toronto")


def test_without_javascript_the_time_zone_is_chosen_from_the_list(
    browser: Browser, live_server, journey
):
    page = browser.new_context(java_script_enabled=False, timezone_id="Asia/Tokyo").new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/London")

    page.get_by_label("Username").fill("river")
    page.get_by_label("I would rather not say").check()
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("link", name="Account").click()

    expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")


def test_errors_sit_beside_the_field_they_are_about(page: Page, live_server, journey):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("river")
    page.get_by_label("I would rather not say").check()
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password confirmation").fill("short")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(
        re.compile("too short")
    )
    expect(page.get_by_label("Password confirmation")).not_to_have_accessible_description(
        re.compile("too short")
    )
    expect(page.get_by_label("Username")).to_have_value("river")


def test_signing_out_says_so(page: Page, live_server, journey):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("river")
    page.get_by_label("I would rather not say").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out.")
