"""Writing without losing a word: the edit page in two tabs, coming back to a
stage the same day, leaving while a save waits, clearing a box."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect
from playwright.sync_api import Error as PlaywrightError

from journeys.models import Prompt, Reflection
from tests.browser.test_walk import (
    SAVED,
    new_person_page,
    open_stage,
    prompt_section,
    sign_up,
    status_of,
)


def test_a_stale_edit_tab_saves_its_text_at_once_as_a_separate_reflection(
    browser: Browser, live_server, journey
):
    first, problems = new_person_page(browser, live_server)
    sign_up(first, "ash")
    prompt = Prompt.objects.get(stage__slug="listening", position=1)
    reflection = Reflection.start(User.objects.get(username="ash"), prompt, "Begun.")
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"/reflections/{reflection.pk}/edit/")

    first.get_by_role("textbox").fill("Finished in the first tab.")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_text("Your reflection is saved.")).to_be_visible()
    second.get_by_role("textbox").fill("Finished in the second tab.")
    second.get_by_role("button", name="Save").click()

    expect(
        second.get_by_text("saved as a separate reflection on the same question")
    ).to_be_visible()
    texts = second.locator(".reflection__text")
    expect(texts).to_have_text(["Finished in the second tab.", "Finished in the first tab."])
    assert sorted(Reflection.objects.values_list("text", flat=True)) == [
        "Finished in the first tab.",
        "Finished in the second tab.",
    ]
    assert len({r.prompt_id for r in Reflection.objects.all()}) == 1
    assert problems == []


def test_back_on_a_stage_the_same_day_the_box_holds_todays_reflection_to_go_on_with(
    browser: Browser, live_server, journey
):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "hazel")
    open_stage(page)
    box = prompt_section(page).get_by_label("Write your reflection")
    box.press_sequentially("Morning thoughts.", delay=10)
    expect(status_of(prompt_section(page))).to_have_text(SAVED, timeout=10_000)

    page.goto("/reflections/")
    open_stage(page)

    section = prompt_section(page)
    box = section.get_by_label("Write your reflection")
    expect(box).to_have_value("Morning thoughts.")
    expect(section.locator(".earlier")).to_have_count(0)
    box.press("End")
    box.press_sequentially(" And the evening.", delay=10)
    expect(section.locator("input[name$=-version]")).to_have_value("2", timeout=10_000)
    assert list(Reflection.objects.values_list("text", flat=True)) == [
        "Morning thoughts. And the evening."
    ]

    section.get_by_role("link", name="Start a new reflection").click()
    section = prompt_section(page)
    expect(section.get_by_label("Write your reflection")).to_have_value("")
    expect(section.locator(".earlier__date")).to_have_text([re.compile(r"^Today at \d\d:\d\d$")])
    expect(section.locator(".earlier__text")).to_have_text("Morning thoughts. And the evening.")
    assert problems == []


def test_leaving_while_a_save_has_failed_asks_first_and_not_once_it_is_saved(
    browser: Browser, live_server, journey
):
    page, _problems = new_person_page(browser, live_server)
    sign_up(page, "rowan")
    open_stage(page)
    section = prompt_section(page)
    box = section.get_by_label("Write your reflection")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.type), dialog.dismiss()))

    page.route("**/save/", lambda route: route.abort())
    box.press_sequentially("Words the network lost.", delay=10)
    expect(status_of(section)).to_contain_text("Not saved yet", timeout=10_000)
    # Answering "Stay" to the browser's question stops the navigation.
    with pytest.raises(PlaywrightError, match="ERR_ABORTED"):
        page.goto("/reflections/")

    assert questions == ["beforeunload"]
    assert page.url.endswith(f"/journeys/{journey.slug}/listening/")

    page.unroute("**/save/")
    box.press_sequentially(" Saved now.", delay=10)
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    page.goto("/reflections/")

    assert questions == ["beforeunload"]
    expect(page.get_by_role("heading", level=1)).to_have_text("My reflections")


def test_emptying_a_saved_box_removes_the_reflection_and_undo_brings_it_back(
    browser: Browser, live_server, journey
):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "linden")
    open_stage(page)
    section = prompt_section(page)
    box = section.get_by_label("Write your reflection")
    box.press_sequentially("Not what I meant.", delay=10)
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)

    box.select_text()
    box.press("Delete")

    expect(status_of(section)).to_have_text("Removed. Undo", timeout=10_000)
    assert not Reflection.objects.exists()

    status_of(section).get_by_role("button", name="Undo").click()

    expect(box).to_have_value("Not what I meant.")
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    assert list(Reflection.objects.values_list("text", flat=True)) == ["Not what I meant."]
    assert problems == []
