"""Searching My reflections in a browser, with JavaScript on and off."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from journeys.models import Prompt, Reflection
from tests.browser.test_check_ins_and_search import person_page, sign_in


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_several_words_in_any_order_find_a_reflection_and_are_marked_in_it(
    browser: Browser, live_server, alice, bob, journey, javascript
):
    prompt = Prompt.objects.filter(stage__journey=journey).order_by("stage__position").first()
    for user, text, days_ago in [
        (alice, "Sam gave me a long hug at the Café, after the scan.", 3),
        (alice, "A hug from my sister, no café today.", 2),
        (alice, "<b>Sam</b> hugged me & I laughed.", 1),
        (bob, "Sam's hug, said Bob.", 0),
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
    page.goto("/reflections/")

    page.get_by_label("Search my reflections").fill("HUGS sam")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("2 reflections contain “HUGS sam”.")).to_be_visible()
    found = page.locator(".reflection__text")
    expect(found).to_have_count(2)
    expect(found.nth(0)).to_have_text("<b>Sam</b> hugged me & I laughed.")
    expect(found.nth(0).locator("mark")).to_have_text(["Sam", "hugged"])
    expect(found.nth(1).locator("mark")).to_have_text(["Sam", "hug"])
    expect(page.locator(".reflection__text b")).to_have_count(0)
    expect(page.get_by_text("my sister")).to_have_count(0)
    expect(page.get_by_text("said Bob")).to_have_count(0)

    page.get_by_label("Search my reflections").fill("cafe")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_text("2 reflections contain “cafe”.")).to_be_visible()
    expect(page.locator(".reflection__text mark")).to_have_text(["café", "Café"])
    expect(page).to_have_url(re.compile(r"/reflections/\?q=cafe"))
    assert problems == []
