"""The check-in history as a person sees it: a chart that stays legible, and
rows that can be changed or deleted."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from journeys.models import CheckIn
from tests.browser.test_check_ins_and_search import person_page, sign_in

# Every box the chart's words and drawing take, in the page.
BOXES = """() => {
  const box = element => {
    const r = element.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const all = selector => [...document.querySelectorAll(selector)].map(box);
  return {
    words: all(".chart__levels text, .chart__dates text, .chart__dates span"),
    drawn: all(".chart__line, .chart__points, .chart__earlier, .chart__svg circle"),
  };
}"""
# Half the width of a point, which is drawn round its centre.
POINT_RADIUS = 7


def overlap(a: list[float], b: list[float], margin: float) -> bool:
    return (
        a[0] < b[2] + margin
        and b[0] - margin < a[2]
        and a[1] < b[3] + margin
        and b[1] - margin < a[3]
    )


@pytest.fixture
def a_varied_history(alice, journey):
    """Eleven weeks from the lowest level to the highest and back, and three
    check-ins today."""
    now = timezone.now()
    moments = [(days_ago, 1 + (days_ago // 7) % 5) for days_ago in range(77, 0, -7)]
    CheckIn.objects.bulk_create(
        CheckIn(user=alice, journey=journey, readiness=level, created=now - timedelta(days=days))
        for days, level in moments
    )
    for minutes_ago, level in [(30, 1), (20, 5), (10, 3)]:
        CheckIn.objects.create(
            user=alice,
            journey=journey,
            readiness=level,
            created=max(
                now - timedelta(minutes=minutes_ago), timezone.localtime(now).replace(hour=0)
            ),
        )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_line_never_crosses_the_levels_words_or_the_dates(
    browser: Browser, live_server, alice, journey, a_varied_history, width
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    sign_in(page, "alice")
    page.goto(f"/journeys/{journey.slug}/check-ins/")

    boxes = page.evaluate(BOXES)

    assert len(boxes["words"]) >= 7 and boxes["drawn"]
    crossed = [
        (words, drawn)
        for words in boxes["words"]
        for drawn in boxes["drawn"]
        if overlap(words, drawn, POINT_RADIUS)
    ]
    assert not crossed, crossed


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_changes_then_deletes_a_check_in_from_its_row(
    browser: Browser, live_server, alice, journey, javascript
):
    CheckIn.objects.create(
        user=alice,
        journey=journey,
        readiness=2,
        note="Tired.",
        created=timezone.now() - timedelta(days=1),
    )
    page, problems = person_page(browser, live_server, javascript)
    sign_in(page, "alice")
    page.goto(f"/journeys/{journey.slug}/check-ins/")
    row = page.get_by_role("table").locator("tbody tr").first
    expect(row.get_by_role("rowheader")).to_contain_text("Yesterday")

    row.get_by_role("link", name=re.compile("^Change or delete your check-in yesterday")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your check-in")
    page.get_by_role("radio", name="Partly ready").check()
    page.get_by_label("A short note (optional)").fill("Less tired than I thought.")
    page.get_by_role("button", name="Save the change").click()

    expect(page.get_by_text("Your check-in is changed.")).to_be_visible()
    expect(row).to_contain_text("Partly ready")
    expect(row).to_contain_text("Less tired than I thought.")

    row.get_by_role("link", name=re.compile("^Change or delete")).click()
    page.get_by_role("link", name="Delete this check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this check-in?")
    expect(page.get_by_text("Less tired than I thought.")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()

    expect(page.get_by_text("Your check-in is deleted.")).to_be_visible()
    expect(page.get_by_text("You have not checked in yet")).to_be_visible()
    assert not CheckIn.objects.exists()
    assert problems == []
