from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from journeys.templatetags.dates_in_words import (
    day_in_words,
    on_day_in_words,
    short_day_in_words,
)


@pytest.fixture
def in_auckland(settings):
    # Far from UTC, so a day in words is the person's own day, not the server's.
    with timezone.override(ZoneInfo("Pacific/Auckland")):
        yield


def test_today_and_yesterday_are_said_in_words(in_auckland):
    now = timezone.now()

    assert day_in_words(now) == "Today"
    assert day_in_words(now - timedelta(days=1)) == "Yesterday"
    assert short_day_in_words(now) == "Today"
    assert short_day_in_words(timezone.localdate() - timedelta(days=1)) == "Yesterday"


def test_inside_a_sentence_they_are_lower_case_and_other_days_take_on(in_auckland):
    now = timezone.now()

    assert on_day_in_words(now) == "today"
    assert on_day_in_words(now - timedelta(days=1)) == "yesterday"
    assert on_day_in_words(now - timedelta(days=2)).startswith("on ")


def test_other_days_have_their_weekday_and_the_year_when_it_is_not_this_one(in_auckland):
    long_ago = datetime(2020, 3, 3, 12, tzinfo=ZoneInfo("Pacific/Auckland"))

    assert day_in_words(long_ago) == "Tuesday 3 March 2020"
    assert short_day_in_words(long_ago) == "3 March 2020"
    assert on_day_in_words(long_ago) == "on Tuesday 3 March 2020"


def test_the_day_is_the_persons_own(in_auckland):
    # Just after midnight in Auckland is still the day before in UTC.
    local_midnight = timezone.localtime().replace(hour=0, minute=5)

    assert day_in_words(local_midnight) == "Today"


def test_nothing_gives_nothing():
    assert day_in_words(None) == on_day_in_words(None) == short_day_in_words(None) == ""
