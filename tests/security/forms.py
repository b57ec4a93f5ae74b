"""Finds, in a rendered page, where note text is sent."""

from collections import defaultdict
from html.parser import HTMLParser

NOTE_FIELDS = {"text", "note"}
# Elements that never have an end tag, so never enclose a field.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def is_note_field(name: str | None) -> bool:
    """`text` or `note`, alone or with a form prefix (`p12-text`, `questions-0-text`)."""
    return bool(name) and name.rsplit("-", 1)[-1] in NOTE_FIELDS


class NoteTargets(HTMLParser):
    """Collects the addresses that receive a note field, each paired with
    the field's name: its form's action and hx-post (the enclosing form, or
    the one its `form` attribute names), the formaction and hx-post of that
    form's buttons, any hx-post on an element around the field (htmx sends
    what it holds), and any hx-post on the field itself."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict]] = []
        self.forms_seen = 0
        self.fields_of_form: dict[str, set[str]] = defaultdict(set)
        self.addresses_of_form: dict[str, set[str]] = defaultdict(set)
        self.targets: set[tuple[str, str]] = set()

    def form_of(self, attrs: dict) -> str | None:
        """The form an element belongs to: the one its `form` attribute
        names, else the enclosing one."""
        if attrs.get("form"):
            return attrs["form"]
        return next((a["key"] for tag, a in reversed(self.open) if tag == "form"), None)

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms_seen += 1
            attrs["key"] = attrs.get("id") or f"form {self.forms_seen}"
            self.addresses_of_form[attrs["key"]] |= self.addresses(attrs, "action")
        name = attrs.get("name")
        if tag in {"textarea", "input"} and is_note_field(name):
            for address in self.addresses(attrs):
                self.targets.add((address, name))
            for _tag, around in self.open:
                if around.get("hx-post"):
                    self.targets.add((around["hx-post"], name))
            if form := self.form_of(attrs):
                self.fields_of_form[form].add(name)
        submits = tag == "button" and attrs.get("type", "submit") == "submit"
        submits = submits or (tag == "input" and attrs.get("type") == "submit")
        if submits and (form := self.form_of(attrs)):
            self.addresses_of_form[form] |= self.addresses(attrs, "formaction")
        if tag not in VOID:
            self.open.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    @staticmethod
    def addresses(attrs: dict, *keys: str) -> set[str]:
        return {attrs[key] for key in (*keys, "hx-post") if attrs.get(key)}

    def close(self) -> None:
        super().close()
        for form, names in self.fields_of_form.items():
            for address in self.addresses_of_form[form]:
                self.targets |= {(address, name) for name in names}


def note_targets(html: str) -> set[tuple[str, str]]:
    parser = NoteTargets()
    parser.feed(html)
    parser.close()
    return parser.targets
