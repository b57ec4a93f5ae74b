"""Finds, in a rendered page, where note text is sent."""

from html.parser import HTMLParser

NOTE_FIELDS = {"text", "note"}


class NoteTargets(HTMLParser):
    """Collects the addresses that receive a field named `text` or `note`:
    the enclosing form's action (or hx-post), and any hx-post on the field."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.targets: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(attrs)
            return
        name = attrs.get("name")
        if tag in {"textarea", "input"} and name in NOTE_FIELDS:
            if attrs.get("hx-post"):
                self.targets.add((attrs["hx-post"], name))
            if self.forms:
                form = self.forms[-1]
                for key in ("action", "hx-post"):
                    if form.get(key):
                        self.targets.add((form[key], name))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.forms:
            self.forms.pop()


def note_targets(html: str) -> set[tuple[str, str]]:
    parser = NoteTargets()
    parser.feed(html)
    return parser.targets
