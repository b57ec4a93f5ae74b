"""The journey's words, read on a phone: a stage's introduction is short
enough that its first question starts within the second screen."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser

from journeys.models import Role, Stage
from tests.browser.demo import JOURNEY_SLUG, session_cookie
from tests.conftest import make_user

# A common phone: 390 px wide, 844 px tall.
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("role", [Role.RECOVERING, Role.PARTNER])
def test_every_stage_shows_its_first_question_within_two_screens_on_a_phone(
    browser: Browser, live_server, role
):
    call_command("load_journeys", stdout=io.StringIO())
    person = make_user(f"reader-{role}", role)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies([session_cookie(person, live_server.url)])
    page = context.new_page()

    too_far = {}
    for stage in Stage.objects.published().filter(journey__slug=JOURNEY_SLUG).order_by("position"):
        page.goto(f"/journeys/{JOURNEY_SLUG}/{stage.slug}/")
        # Where the first question's heading ends, from the top of the page.
        question_bottom = page.locator(".prompt__question").first.evaluate(
            "heading => heading.getBoundingClientRect().bottom + window.scrollY"
        )
        if question_bottom > 2 * PHONE["height"]:
            too_far[stage.slug] = round(question_bottom)

    assert not too_far, f"first question ends below {2 * PHONE['height']} px: {too_far}"
