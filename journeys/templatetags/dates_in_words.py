"""Dates as people say them: "Tuesday 3 March", with the year when it is not this year."""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def day_in_words(value: date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    this_year = value.year == timezone.localdate().year
    return formats.date_format(value, "l j F" if this_year else "l j F Y")


@register.filter
def short_day_in_words(value: date | datetime | None) -> str:
    """ "3 March" (or "3 March 2024"), where a weekday would crowd the space."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    this_year = value.year == timezone.localdate().year
    return formats.date_format(value, "j F" if this_year else "j F Y")
