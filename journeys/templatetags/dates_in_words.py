"""Dates as people say them: "Today", "Yesterday", "Tuesday 3 March", with
the year when it is not this year, all in the person's own time zone."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


def _in_words(
    value: date | datetime | None, *, in_a_sentence: bool = False, with_weekday: bool = True
) -> str:
    if not value:
        return ""
    today = timezone.localdate()
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    near = {0: _("today"), 1: _("yesterday")}.get((today - day).days)
    if near:
        return near if in_a_sentence else near.capitalize()
    style = ("l j F" if with_weekday else "j F") + ("" if day.year == today.year else " Y")
    calendar_day = formats.date_format(day, style)
    return _("on %(day)s") % {"day": calendar_day} if in_a_sentence else calendar_day


@register.filter
def day_in_words(value: date | datetime | None) -> str:
    """ "Today", "Yesterday" or "Tuesday 3 March": standing on its own, as a
    heading or a table's first cell."""
    return _in_words(value)


@register.filter
def on_day_in_words(value: date | datetime | None) -> str:
    """ "today", "yesterday" or "on Tuesday 3 March": inside a sentence, as
    in "You wrote it {{ day }} at 14:02"."""
    return _in_words(value, in_a_sentence=True)


@register.filter
def short_day_in_words(value: date | datetime | None) -> str:
    """ "Today", "Yesterday" or "3 March", where a weekday would crowd the space."""
    return _in_words(value, with_weekday=False)
