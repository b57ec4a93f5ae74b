from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from journeys.markdown import render_markdown


class Elements(HTMLParser):
    """Every element of an HTML fragment, as the browser would build it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def test_it_renders_commonmark():
    html = render_markdown("Some *gentle* words.\n\n- one\n- two")

    assert "<p>Some <em>gentle</em> words.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html


def test_headings_move_down_a_level_so_the_page_keeps_one_h1():
    assert render_markdown("# Title\n\n## Part") == "<h2>Title</h2>\n<h3>Part</h3>\n"


def test_links_open_the_page_without_giving_it_a_handle_on_ours():
    html = render_markdown("[help](https://example.org/help)")

    assert html == (
        '<p><a href="https://example.org/help" rel="noopener noreferrer">help</a></p>\n'
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> there",
        '<img src="x" onerror="alert(1)">',
        '<a href="#" onclick="alert(1)">click</a>',
        '<p onmouseover="alert(1)">hover</p>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '[click](https://example.org "x\\" onmouseover=\\"alert(1)")',
        "![x](javascript:alert(1))",
        '<iframe src="https://example.org"></iframe>',
        "<style>body { display: none }</style>",
        '<div style="background: url(javascript:alert(1))">x</div>',
        "<!-- a comment --><b>bold</b>",
    ],
)
def test_hostile_input_is_neutralised(hostile):
    parsed = Elements(render_markdown(hostile))

    for tag, attributes in parsed.found:
        assert tag in {"p", "a", "em", "strong"}
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        if tag == "a":
            assert attributes["href"].startswith(("https:", "#"))
    assert not parsed.comments


def test_raw_html_is_shown_as_text_not_run():
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_the_template_filter_marks_only_clean_html_safe():
    template = Template("{% load journey_text %}{{ body|markdown }}")

    html = template.render(Context({"body": "**Kind** words <script>x</script>"}))

    assert html == "<p><strong>Kind</strong> words &lt;script&gt;x&lt;/script&gt;</p>\n"


def test_the_filter_treats_nothing_as_empty_text():
    template = Template("{% load journey_text %}[{{ body|markdown }}]")

    assert template.render(Context({"body": None})) == "[]"
