"""Markdown from the journey content, rendered to safe HTML.

markdown-it-py renders CommonMark with raw HTML turned off; nh3 then keeps
only an allowlist of tags and attributes, so even a mistake upstream cannot
let a script, an event handler or a `javascript:` link through. Headings move
down one level: the page's own title is its only <h1>.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _demote_headings(tokens: list) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Safe HTML for Markdown text; the same text is rendered only once per process."""
    env: dict = {}
    tokens = _markdown.parse(text, env)
    _demote_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
