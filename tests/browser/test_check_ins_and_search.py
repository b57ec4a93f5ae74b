import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from journeys.models import CheckIn, Prompt, Reflection
from tests.conftest import PASSWORD


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()


def person_page(browser: Browser, live_server, javascript: bool) -> tuple[Page, list[str]]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []

    def note_problem(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", note_problem)
    return page, problems


def points_on_the_line(page: Page) -> int:
    """How many points the chart's line goes through: one a day."""
    return page.locator(".chart__points").get_attribute("d").count("h0")


def check_in(page: Page, readiness: str, note: str) -> None:
    page.get_by_role("radio", name=readiness).check()
    page.get_by_label("A short note (optional)").fill(note)
    page.get_by_role("button", name="Save my check-in").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_checks_in_twice_and_sees_the_chart_and_the_table(
    browser: Browser, live_server, alice, journey, javascript
):
    page, problems = person_page(browser, live_server, javascript)
    sign_in(page, "alice")
    page.get_by_role("link", name="Check in").click()
    expect(page.get_by_text("You have not checked in yet")).to_be_visible()

    check_in(page, "A little ready", "Tired after the appointment.")
    expect(page.get_by_role("status").first).to_contain_text(re.compile("saved", re.IGNORECASE))
    check_in(page, "Mostly ready", "A good walk together.")

    chart = page.get_by_role("img", name="How ready you have felt, over time")
    expect(chart).to_be_visible()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    # Both today: one point on the line, the earlier an open circle beside it.
    assert points_on_the_line(page) == 1
    assert page.locator(".chart__earlier").get_attribute("d").count("h0") == 1
    expect(rows.first).to_contain_text("Mostly ready")
    expect(rows.first).to_contain_text("A good walk together.")
    expect(rows.nth(1)).to_contain_text("A little ready")
    if javascript:
        # The form was reset in place: no answer is left chosen.
        expect(page.get_by_role("radio", name="Mostly ready")).not_to_be_checked()
        expect(page.get_by_role("status").first).to_contain_text("Saved: Mostly ready")
    assert problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_with_many_check_ins_pages_back_through_them_and_checks_in_again(
    browser: Browser, live_server, alice, journey, javascript
):
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            user=alice,
            journey=journey,
            readiness=1 + days_ago % 5,
            note=f"Day {days_ago}.",
            created=now - timedelta(days=days_ago),
        )
        for days_ago in range(25)
    )
    page, problems = person_page(browser, live_server, javascript)
    sign_in(page, "alice")
    page.get_by_role("link", name="Check in").click()
    chart = page.get_by_role("img", name="How ready you have felt, over time")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    note = page.get_by_label("A short note (optional)")
    note.fill("Half a thought")

    page.get_by_role("link", name="Older check-ins").click()

    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    if javascript:
        # Only the history was swapped: what was being typed is still there.
        expect(note).to_have_value("Half a thought")
    expect(page).to_have_url(re.compile(r"/check-ins/\?page=2$"))
    expect(rows).to_have_count(10)
    expect(rows.first).to_contain_text("Day 10.")
    # The chart shows the whole period whichever page of the table is open.
    expect(chart).to_be_visible()
    assert points_on_the_line(page) == 25

    check_in(page, "Very ready", "Back from the walk.")

    expect(rows.first).to_contain_text("Back from the walk.")
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/check-ins/$"))
    assert problems == []


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_finds_a_reflection_by_searching_a_word_in_it(
    browser: Browser, live_server, alice, bob, journey, javascript
):
    prompt = Prompt.objects.filter(stage__journey=journey).order_by("stage__position").first()
    for user, text, days_ago in [
        (alice, "We laughed about the hospital coffee.", 2),
        (alice, "A quiet evening, holding hands on the sofa.", 1),
        (bob, "The coffee was terrible, said Bob.", 0),
    ]:
        Reflection.objects.create(
            user=user,
            prompt=prompt,
            prompt_text=prompt.text,
            text=text,
            created=timezone.now() - timedelta(days=days_ago),
        )
    page, problems = person_page(browser, live_server, javascript)
    sign_in(page, "alice")
    page.get_by_role("link", name="My reflections").first.click()
    expect(page.get_by_text("You have written 2 reflections.")).to_be_visible()

    page.get_by_label("Search my reflections").fill("COFFEE")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("1 reflection contains “COFFEE”.")).to_be_visible()
    expect(page.get_by_text("We laughed about the hospital coffee.")).to_be_visible()
    expect(page.get_by_text("holding hands")).to_have_count(0)
    expect(page.get_by_text("said Bob")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/reflections/?q=COFFEE&stage=")
    assert problems == []
