"""People's names in an index (i18n): family name first, filed and sorted as the language
sorts (DIN 5007-1), one entry a person.

How a name is taken apart is i18n/name_parts.py's job: pronouns, nicknames and handles are
never sorted on, particles follow the name's convention ("Weizsäcker, Richard von",
"Di Maio, Luca", "Ó Súilleabháin, Zoë"), titles are kept but not sorted on.
Sorting uses the Unicode Collation Algorithm (pyuca): Ä sorts as A, Ö as O, ß as ss;
Greek, Cyrillic, Hebrew, Arabic and CJK names follow the Latin ones, each in its order and
kept in its own script. An index groups names by their initial letter (Ä under A, Ó under
O), names in other scripts by theirs after the Latin ones; names that start with a digit
(handles such as "1peter10") are one group, "0–9", before the letters as DIN 5007-1 files
them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from dokureport.i18n.name_parts import PARTICLES, identity, parse

__all__ = ["DIGITS", "PARTICLES", "IndexName", "identity", "index_name", "initial", "sort_key"]

DIGITS = "0–9"  # the group head of names that start with a digit


@dataclass(frozen=True)
class IndexName:
    """A name as an index lists it."""

    family: str  # what it is sorted under
    given: str  # given names, then particles: "Johann Wolfgang von"
    titles: str = ""  # "Prof. Dr."
    suffix: str = ""  # "Jr."
    extras: tuple[str, ...] = ()  # printed after it in brackets: nicknames, other scripts

    @property
    def rest(self) -> str:
        """What follows the family name after the comma: given names, particles, titles."""
        return " ".join(x for x in (self.given, self.titles) if x)


def index_name(name: str) -> IndexName:
    """The family name and the rest of a speaker's name (see i18n/name_parts.py)."""
    parts = parse(name)
    given = " ".join(x for x in (parts.given, parts.particles) if x)
    return IndexName(parts.family, given, parts.titles, parts.suffix, parts.extras)


@cache
def _collator() -> Any:
    from dokureport.i18n.collation import collator

    return collator()


def sort_key(name: IndexName) -> tuple[tuple[int, ...], ...]:
    """Family name, then given names, by the Unicode Collation Algorithm."""
    return _sort_key(name.family, name.given, name.suffix)


# A large programme's index sorts a thousand names in every story (a watch rebuild, each
# layout of the page planner): each name's key is computed once.
@lru_cache(maxsize=16384)
def _sort_key(family: str, given: str, suffix: str) -> tuple[tuple[int, ...], ...]:
    collator = _collator()
    return (collator.sort_key(family.casefold()), collator.sort_key(given.casefold()),
            collator.sort_key(suffix.casefold()), collator.sort_key(family + given))


def initial(name: IndexName) -> str:
    """The letter an index groups a name under: Ä under A, Ø under O, a digit under 0–9."""
    for char in unicodedata.normalize("NFD", name.family):
        kind = unicodedata.category(char)
        if kind.startswith("L"):
            return char.upper()
        if kind.startswith("N"):
            return DIGITS
    return DIGITS
