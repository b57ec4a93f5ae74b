"""Writing without losing a word: the edit page in two tabs, coming back to a
stage the same day, leaving while a save waits, clearing a box."""

from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from journeys.models import Prompt, Reflection
from tests.browser.test_walk import (
    new_person_page,
    sign_up,
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
