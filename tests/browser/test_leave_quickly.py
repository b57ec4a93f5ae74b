"""In a real browser: "Leave this page quickly" signs out and leaves nothing to go Back to."""

import re
import time

from playwright.sync_api import Browser, Page, expect

from guide.models import UserSession
from tests.browser.test_privacy import sign_in
from tests.conftest import write_notes

REFLECTION = "Words nobody else should see over my shoulder"
NEUTRAL = re.compile(r"^https://www\.bbc\.co\.uk/weather")


def stand_in_for_the_neutral_site(page: Page) -> None:
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            content_type="text/html", body="<!doctype html><title>Weather</title><h1>Weather</h1>"
        ),
    )


def no_session_left_for(user) -> bool:
    for _attempt in range(50):
        if not UserSession.objects.filter(user=user).exists():
            return True
        time.sleep(0.1)
    return False


def read_a_note_then_another_page(page: Page, live_server) -> None:
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/reflections/")
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    page.goto(f"{live_server.url}/journeys/together/accepting/")


def test_the_button_signs_out_and_back_shows_the_sign_in_page_not_a_note(
    page: Page, live_server, alice, journey
):
    write_notes(alice, journey, REFLECTION, "a check-in note")
    stand_in_for_the_neutral_site(page)
    read_a_note_then_another_page(page, live_server)

    page.get_by_role("button", name="Leave this page quickly").click()

    expect(page).to_have_url(NEUTRAL)
    assert no_session_left_for(alice)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text(REFLECTION)).to_have_count(0)
    page.goto(f"{live_server.url}/account/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_shift_pressed_three_times_leaves_and_each_press_is_announced(
    page: Page, live_server, alice, journey
):
    write_notes(alice, journey, REFLECTION, "a check-in note")
    stand_in_for_the_neutral_site(page)
    read_a_note_then_another_page(page, live_server)
    status = page.get_by_role("status").filter(has_text="Shift")

    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 2 more times to leave this page.")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift, press 1 more time to leave this page.")
    page.keyboard.press("Shift")

    expect(page).to_have_url(NEUTRAL)
    assert no_session_left_for(alice)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text(REFLECTION)).to_have_count(0)


def test_capital_letters_typed_in_a_box_do_not_count_as_presses(
    page: Page, live_server, alice, journey
):
    stand_in_for_the_neutral_site(page)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/journeys/together/accepting/")

    page.get_by_role("textbox").first.press_sequentially("I Am Here Today")

    expect(page).to_have_url(re.compile(r"/journeys/together/accepting/"))


def test_without_javascript_the_button_signs_out_and_opens_the_neutral_page(
    browser: Browser, live_server, alice, journey
):
    write_notes(alice, journey, REFLECTION, "a check-in note")
    page = browser.new_context(java_script_enabled=False).new_page()
    stand_in_for_the_neutral_site(page)
    read_a_note_then_another_page(page, live_server)

    page.get_by_role("button", name="Leave this page quickly").click()

    expect(page).to_have_url(NEUTRAL)
    assert no_session_left_for(alice)
    page.goto(f"{live_server.url}/reflections/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_button_stays_on_screen_while_a_long_page_scrolls_on_a_phone(
    page: Page, live_server, alice, journey
):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/journeys/together/accepting/")

    page.mouse.wheel(0, 5000)
    page.wait_for_function("window.scrollY > 300")

    expect(page.get_by_role("button", name="Leave this page quickly")).to_be_in_viewport()
