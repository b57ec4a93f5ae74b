"""Walking the journey in a real browser: writing, saving as you type, marking a stage."""

import re
from importlib import import_module
from itertools import pairwise

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

from journeys.models import Reflection
from tests.conftest import PASSWORD

QUESTION = "What does listening mean to you?"
SAVED = re.compile(r"Saved at \d\d:\d\d")


def new_person_page(browser: Browser, live_server, javascript: bool = True) -> tuple[Page, list]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []

    def note_problem(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Uncaught" in message.text:
            problems.append(message.text)

    page.on("console", note_problem)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def sign_up(page: Page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("I am recovering from an illness").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Welcome to Nearer, {username}")


def sign_in(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def end_every_session() -> None:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store.get_model_class().objects.all().delete()


def open_stage(page: Page, title: str = "Listening") -> None:
    page.goto("/journeys/together/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # htmx and the autosave script start once the page has loaded; on a busy
    # machine typing can otherwise come first and trigger nothing.
    page.wait_for_load_state("load")


def prompt_section(page: Page, question: str = QUESTION) -> Locator:
    return page.get_by_role("region", name=question)


def status_of(section: Locator) -> Locator:
    return section.get_by_role("status")


def test_a_new_person_writes_and_it_saves_without_pressing_anything(
    browser: Browser, live_server, journey
):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "river")
    open_stage(page)
    section = prompt_section(page)

    section.get_by_label("Write your reflection").press_sequentially(
        "We sat on the bench and I listened.", delay=20
    )

    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    page.reload()
    # Back the same day: the box holds it, to go on with.
    expect(prompt_section(page).get_by_label("Write your reflection")).to_have_value(
        "We sat on the bench and I listened."
    )

    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#progress-message")).to_have_text("Marked as done.")
    page.get_by_role("link", name="Together again").click()
    expect(page.locator(".task-list__item", has_text="Listening")).to_contain_text("Done")
    expect(page.get_by_text("1 of 3 stages done")).to_be_visible()
    expect(page.locator(".task-list__item", has_text="Accepting")).to_contain_text("Not started")
    assert problems == []


def test_later_saves_update_the_same_reflection_and_a_new_one_can_be_started(
    browser: Browser, live_server, journey
):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "brook")
    open_stage(page)
    section = prompt_section(page)
    box = section.get_by_label("Write your reflection")

    box.press_sequentially("First thought.", delay=10)
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    box.press_sequentially(" And a second.", delay=10)
    expect(section.locator("input[name$=-version]")).to_have_value("2", timeout=10_000)

    section.get_by_role("link", name="Start a new reflection").click()
    expect(prompt_section(page).get_by_label("Write your reflection")).to_have_value("")
    expect(prompt_section(page).locator(".earlier__item")).to_have_count(1)
    expect(prompt_section(page).locator(".earlier")).to_contain_text("First thought. And a second.")
    assert problems == []


def test_the_same_walk_works_with_javascript_off(browser: Browser, live_server, journey):
    page, _problems = new_person_page(browser, live_server, javascript=False)
    sign_up(page, "willow")
    open_stage(page)
    section = prompt_section(page)

    section.get_by_label("Write your reflection").fill("Written with JavaScript off.")
    section.get_by_role("button", name="Save").click()

    # Where the page lands, not above it off-screen.
    expect(status_of(prompt_section(page))).to_have_text("Saved.")
    expect(status_of(prompt_section(page))).to_be_in_viewport()
    assert page.url.endswith(f"#{section_id(page)}")
    expect(prompt_section(page).get_by_label("Write your reflection")).to_have_value(
        "Written with JavaScript off."
    )
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Marked as done.")).to_be_visible()
    page.goto("/journeys/together/")
    expect(page.locator(".task-list__item", has_text="Listening")).to_contain_text("Done")


RECOVERING_QUESTION = "As the one recovering, what about listening?"


@pytest.mark.parametrize("button", ["Save", "Mark as done", "Not ready yet"])
def test_without_javascript_any_button_saves_every_box_with_words(
    browser: Browser, live_server, journey, button
):
    page, _problems = new_person_page(browser, live_server, javascript=False)
    sign_up(page, "hazel")
    open_stage(page)
    first, second = prompt_section(page), prompt_section(page, RECOVERING_QUESTION)
    first.get_by_label("Write your reflection").fill("Typed in the first box.")
    second.get_by_label("Write your reflection").fill("And in the second.")

    if button == "Save":
        first.get_by_role("button", name="Save").click()
        # "Saved." where the page lands: under the pressed button, on screen.
        expect(status_of(prompt_section(page))).to_have_text("Saved.")
        expect(status_of(prompt_section(page))).to_be_in_viewport()
    else:
        page.get_by_role("button", name=button).click()
        expect(page.locator("#progress-message")).to_contain_text("Marked as")
        expect(page.locator("#progress-message")).to_be_in_viewport()

    for question, text in [
        (QUESTION, "Typed in the first box."),
        (RECOVERING_QUESTION, "And in the second."),
    ]:
        section = prompt_section(page, question)
        expect(section.get_by_label("Write your reflection")).to_have_value(text)
        expect(status_of(section)).to_have_text("Saved.")
    assert sorted(Reflection.objects.values_list("text", flat=True)) == [
        "And in the second.",
        "Typed in the first box.",
    ]


def section_id(page: Page) -> str:
    return prompt_section(page).get_attribute("id")


def test_two_tabs_editing_one_reflection_keep_both_texts(browser: Browser, live_server, journey):
    first, problems = new_person_page(browser, live_server)
    sign_up(first, "ash")
    open_stage(first)
    first_section = prompt_section(first)
    first_box = first_section.get_by_label("Write your reflection")
    first_box.press_sequentially("Begun in one tab.", delay=10)
    expect(status_of(first_section)).to_have_text(SAVED, timeout=10_000)

    # A second tab on the same stage the same day: its box holds the same
    # reflection, with the same hidden id and version.
    second = first.context.new_page()
    open_stage(second)
    second_section = prompt_section(second)
    second_box = second_section.get_by_label("Write your reflection")
    expect(second_box).to_have_value("Begun in one tab.")

    first_box.press_sequentially(" Finished in the first tab.", delay=10)
    expect(first_section.locator("input[name$=-version]")).to_have_value("2", timeout=10_000)
    second_box.press("End")
    second_box.press_sequentially(" Finished in the second tab.", delay=10)

    expect(status_of(second_section)).to_contain_text("kept both", timeout=10_000)
    expect(second_section.get_by_label("Write your reflection")).to_have_value(
        "Begun in one tab. Finished in the second tab."
    )
    expect(second_section.locator(".other-version")).to_contain_text(
        "Begun in one tab. Finished in the first tab."
    )
    second.reload()
    # The newest, kept from the second tab, is back in the box; the other below it.
    expect(prompt_section(second).get_by_label("Write your reflection")).to_have_value(
        "Begun in one tab. Finished in the second tab."
    )
    earlier = prompt_section(second).locator(".earlier")
    expect(earlier).to_contain_text("Begun in one tab. Finished in the first tab.")
    assert problems == []


def test_writing_on_after_the_reflection_was_deleted_elsewhere_keeps_the_words(
    browser: Browser, live_server, journey
):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "reed")
    open_stage(page)
    section = prompt_section(page)
    box = section.get_by_label("Write your reflection")
    box.press_sequentially("Started here.", delay=10)
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    reflection_id = section.locator("input[name$=-reflection]")
    deleted = reflection_id.input_value()
    Reflection.objects.all().delete()  # as "Delete" on My reflections, in another tab

    box.press_sequentially(" Still writing.", delay=10)

    expect(reflection_id).not_to_have_value(deleted, timeout=10_000)
    expect(reflection_id).to_have_value(re.compile(r"^\d+$"), timeout=10_000)
    expect(status_of(section)).to_have_text(SAVED)
    assert list(Reflection.objects.values_list("text", flat=True)) == [
        "Started here. Still writing."
    ]
    assert [p for p in problems if "404" not in p] == []


def test_signed_out_while_writing_the_text_stays_and_saves_after_signing_in_again(
    browser: Browser, live_server, journey
):
    page, _problems = new_person_page(browser, live_server)
    sign_up(page, "fern")
    open_stage(page)
    section = prompt_section(page)
    end_every_session()  # as two idle weeks would

    section.get_by_label("Write your reflection").press_sequentially("Do not lose me.", delay=10)

    expect(status_of(section)).to_contain_text("You have been signed out", timeout=10_000)
    expect(section.get_by_label("Write your reflection")).to_have_value("Do not lose me.")
    with page.context.expect_page() as new_tab:
        section.get_by_role("link", name="Sign in again (opens in a new tab)").click()
    sign_in(new_tab.value, "fern")
    expect(new_tab.value.get_by_role("heading", level=1)).to_have_text("You are signed in again")

    expect(status_of(section)).to_have_text(SAVED, timeout=15_000)
    page.reload()
    expect(prompt_section(page).get_by_label("Write your reflection")).to_contain_text(
        "Do not lose me."
    )


def test_offline_it_says_not_saved_yet_and_saves_once_back(browser: Browser, live_server, journey):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "moss")
    open_stage(page)
    section = prompt_section(page)
    context: BrowserContext = page.context

    context.set_offline(True)
    section.get_by_label("Write your reflection").press_sequentially("On the train.", delay=10)
    expect(status_of(section)).to_have_text(
        "Not saved yet: we'll keep trying. Your text is still here.", timeout=10_000
    )
    context.set_offline(False)

    expect(status_of(section)).to_have_text(SAVED, timeout=15_000)
    assert problems == []


def test_a_busy_journal_is_asked_again_less_and_less_often(browser: Browser, live_server, journey):
    page, problems = new_person_page(browser, live_server)
    sign_up(page, "fern")
    page.clock.install()
    open_stage(page)
    section = prompt_section(page)
    saves: list[float] = []

    def busy(route) -> None:
        saves.append(page.evaluate("Date.now()"))
        route.fulfill(status=503, body="Not saved yet: we'll keep trying. Your text is still here.")

    page.route("**/prompts/*/save/", busy)
    section.get_by_label("Write your reflection").fill("While the journal is busy")
    section.get_by_label("Write your reflection").blur()
    for _second in range(3 * 60):
        page.clock.run_for(1000)
        page.wait_for_timeout(25)  # lets each request and its answer through

    waits = [(later - earlier) / 1000 for earlier, later in pairwise(saves)]
    # Waits of 2, 4, 8 … seconds, up to a minute: a handful of saves in three
    # minutes, where a fixed short wait would make dozens. A busy machine can
    # only make the answers slower, so the bounds hold there too.
    assert 4 <= len(saves) <= 12
    assert waits[0] < 10
    assert max(waits) >= 30
    assert problems == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_stage_page_never_scrolls_sideways_while_a_person_writes(
    browser: Browser, live_server, journey, width
):
    page, _problems = new_person_page(browser, live_server)
    page.set_viewport_size({"width": width, "height": 900})
    sign_up(page, f"screenshot{width}")
    open_stage(page)
    section = prompt_section(page)
    section.get_by_label("Write your reflection").fill("An earlier evening, talking quietly.")
    section.get_by_role("button", name="Save").click()
    expect(status_of(section)).to_have_text(SAVED, timeout=10_000)
    section.get_by_role("link", name="Start a new reflection").click()
    box = prompt_section(page).get_by_label("Write your reflection")
    expect(box).to_be_focused()
    box.press_sequentially("Tonight we", delay=10)
    expect(status_of(prompt_section(page))).to_have_text(SAVED, timeout=10_000)

    assert page.evaluate("document.documentElement.scrollWidth") <= width
