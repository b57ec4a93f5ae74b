"""The help page's helplines, read from guide/helplines.toml."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

SOURCE = Path(__file__).with_name("helplines.toml")

# The order the help page lists them in, with its heading for each.
KINDS = {
    "crisis": _("To talk to someone now"),
    "abuse": _("If you do not feel safe at home"),
    "illness": _("Living with a serious illness"),
    "couples": _("For the two of you"),
}


@dataclass(frozen=True)
class Line:
    kind: str
    name: str
    phone: str
    hours: str
    website: str
    source: str
    checked: bool

    @property
    def dial(self) -> str:
        """The number as a tel: link wants it: digits only."""
        return "".join(character for character in self.phone if character.isdigit())


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    time_zones: tuple[str, ...]
    lines: tuple[Line, ...]

    def lines_by_kind(self) -> list[tuple[str, list[Line]]]:
        return [
            (heading, [line for line in self.lines if line.kind == kind])
            for kind, heading in KINDS.items()
        ]


@cache
def countries() -> dict[str, Country]:
    with SOURCE.open("rb") as source:
        listed = tomllib.load(source)["country"]
    return {
        country["code"]: Country(
            code=country["code"],
            name=country["name"],
            emergency=country["emergency"],
            time_zones=tuple(country["time_zones"]),
            lines=tuple(Line(**line) for line in country["line"]),
        )
        for country in listed
    }


def country_for(code: str, time_zone: str) -> Country:
    """The country asked for by its code, else the one the time zone is in,
    else the first listed."""
    listed = countries()
    if code in listed:
        return listed[code]
    for country in listed.values():
        if time_zone in country.time_zones:
            return country
    return next(iter(listed.values()))
