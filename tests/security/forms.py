"""Finds, in a rendered page, where note text is sent."""

from html.parser import HTMLParser

NOTE_FIELDS = {"text", "note"}
# Elements that never have an end tag, so never enclose a field.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def is_note_field(name: str | None) -> bool:
    """`text` or `note`, alone or with a form prefix (the stage page's `p12-text`)."""
    return bool(name) and name.rsplit("-", 1)[-1] in NOTE_FIELDS


class NoteTargets(HTMLParser):
    """Collects the addresses that receive a note field: its form's action
    and hx-post (the enclosing form, or the one its `form` attribute names),
    any hx-post on an element around it (htmx sends what it holds), and any
    hx-post on the field itself. Each is paired with the field's name."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.forms_by_id: dict[str, dict] = {}
        self.owned_by_id: list[tuple[str, str]] = []
        self.targets: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id"):
            self.forms_by_id[attrs["id"]] = attrs
        name = attrs.get("name")
        if tag in {"textarea", "input"} and is_note_field(name):
            self.add(attrs, name)
            for _tag, around in self.open:
                if around.get("hx-post"):
                    self.targets.add((around["hx-post"], name))
            if attrs.get("form"):
                self.owned_by_id.append((attrs["form"], name))
            elif form := next((a for t, a in reversed(self.open) if t == "form"), None):
                self.add(form, name)
        if tag not in VOID:
            self.open.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def add(self, element: dict, name: str) -> None:
        for key in ("action", "hx-post"):
            if element.get(key):
                self.targets.add((element[key], name))

    def close(self) -> None:
        super().close()
        for form_id, name in self.owned_by_id:
            self.add(self.forms_by_id.get(form_id, {}), name)


def note_targets(html: str) -> set[tuple[str, str]]:
    parser = NoteTargets()
    parser.feed(html)
    parser.close()
    return parser.targets
