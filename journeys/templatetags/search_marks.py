"""`{{ reflection.text|marked_with:search|linebreaks }}`: the words searched for, marked."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from journeys.search import WordSearch

register = template.Library()


@register.filter
def marked_with(text: str, search: WordSearch | None) -> SafeString:
    """The text escaped, with the words of the search in <mark>; linebreaks
    then keeps it as it is, since it is already safe."""
    if not search:
        return conditional_escape(text)
    return search.marked(text)
