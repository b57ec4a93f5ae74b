"""Dates as people say them: "Today", "Yesterday", "Tuesday 3 March", with
the year when it is not this year, all in the person's own time zone."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def _near_day(day: date) -> str | None:
    """ "today" or "yesterday", in lower case; None for any other day."""
    days_ago = (timezone.localdate() - day).days
    return {0: _("today"), 1: _("yesterday")}.get(days_ago)


def _calendar_day(day: date, with_weekday: bool) -> str:
    this_year = day.year == timezone.localdate().year
    style = ("l j F" if with_weekday else "j F") + ("" if this_year else " Y")
    return formats.date_format(day, style)


@register.filter
def day_in_words(value: date | datetime | None) -> str:
    """ "Today", "Yesterday" or "Tuesday 3 March": standing on its own, as a
    heading or a table's first cell."""
    if not value:
        return ""
    day = _local_day(value)
    near = _near_day(day)
    return near.capitalize() if near else _calendar_day(day, with_weekday=True)


@register.filter
def on_day_in_words(value: date | datetime | None) -> str:
    """ "today", "yesterday" or "on Tuesday 3 March": inside a sentence, as
    in "You wrote it {{ day }} at 14:02"."""
    if not value:
        return ""
    day = _local_day(value)
    near = _near_day(day)
    if near:
        return near
    return _("on %(day)s") % {"day": _calendar_day(day, with_weekday=True)}


@register.filter
def short_day_in_words(value: date | datetime | None) -> str:
    """ "Today", "Yesterday" or "3 March", where a weekday would crowd the space."""
    if not value:
        return ""
    day = _local_day(value)
    near = _near_day(day)
    return near.capitalize() if near else _calendar_day(day, with_weekday=False)
