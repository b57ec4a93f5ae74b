"""`{{ stage.body|markdown }}`: journey text from Markdown to safe HTML."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from journeys.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(value: str | None) -> SafeString:
    # render_markdown sanitises its output with an allowlist (see journeys.markdown).
    return mark_safe(render_markdown(value or ""))  # noqa: S308  # nosec B308 B703
