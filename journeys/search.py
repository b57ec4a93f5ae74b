"""Searching a person's own reflections, word by word.

The text is encrypted at rest, so the database cannot search it: the view
opens this person's own reflections and asks a WordSearch of each one.
Every word asked for must appear, in any order. Words are compared without
case or accents, and by a rough stem, so "hugs" finds "hug", "hoping"
finds "hope" and "worried" finds "worry". The words found are marked in
the text, which is escaped first.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WORD = re.compile(r"\w+")
# Endings taken off before words are compared, longest first.
ENDINGS = ("ies", "ied", "ing", "es", "ed", "s")
# "es" is an ending only after these: "kisses", "boxes", "touches".
ES_AFTER = ("s", "x", "z", "ch", "sh")
# A doubled last letter left by an ending ("hugged") is one letter in the word.
KEEP_DOUBLED = set("lsz")


def _fold(word: str) -> str:
    """Lower case, without accents: "Café" is "cafe"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _stems(word: str) -> set[str]:
    """The word without its ending: "hugs" is "hug". After "ing" and "ed" a
    silent "e" may have gone ("hoping"), so the stem is also tried with it."""
    for ending in ENDINGS:
        stem = word.removesuffix(ending)
        if stem == word or len(stem) < 3:
            continue
        if ending in ("ies", "ied"):
            return {stem + "y"}
        if ending == "es" and not stem.endswith(ES_AFTER):
            continue
        if ending == "s":
            return {word} if stem.endswith(("s", "u", "i")) else {stem}
        if ending == "es":
            return {stem}
        if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in KEEP_DOUBLED:
            return {stem[:-1]}
        return {stem, stem + "e"}
    return {word}


def word_keys(word: str) -> set[str]:
    """What a word is compared by: folded, and without its ending, so "hope",
    "hopes", "hoped" and "hoping" share one."""
    folded = _fold(word)
    return {folded} | _stems(folded)


class WordSearch:
    def __init__(self, words: str) -> None:
        self.wanted = [word_keys(word) for word in dict.fromkeys(WORD.findall(words))]

    def __bool__(self) -> bool:
        return bool(self.wanted)

    def matches(self, text: str) -> bool:
        """Whether every word asked for is in the text."""
        found = set().union(*(word_keys(word) for word in WORD.findall(text)))
        return all(found & wanted for wanted in self.wanted)

    def marked(self, text: str) -> SafeString:
        """The text, escaped, with each word asked for in a <mark>."""
        parts, done = [], 0
        for match in WORD.finditer(text):
            keys = word_keys(match[0])
            if any(keys & wanted for wanted in self.wanted):
                parts += [escape(text[done : match.start()]), f"<mark>{escape(match[0])}</mark>"]
                done = match.end()
        parts.append(escape(text[done:]))
        # Every piece of the person's text above went through escape().
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
