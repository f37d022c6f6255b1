"""People's names in an index: family name first, sorted as the language sorts (DIN 5007-1).

The rule for the family name (names are never split by the importer):
- "Müller, Anna" (a comma) is family name, then given names;
- otherwise the last word is the family name: "Anna Müller" → "Müller, Anna";
- name particles before it (von, van, de, zu, …) go behind the given names and are not
  sorted on, as DIN 5007 does: "Johann Wolfgang von Goethe" → "Goethe, Johann Wolfgang von";
- academic titles in front (Prof., Dr., Dr. h. c.) are kept but not sorted on.
Sorting uses the Unicode Collation Algorithm (pyuca): Ä sorts as A, Ö as O, ß as ss;
Greek, Cyrillic, Hebrew, Arabic and CJK names follow the Latin ones, each in its order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

PARTICLES = frozenset({
    "von", "vom", "zu", "zum", "zur", "van", "der", "den", "de", "du", "des", "di", "da",
    "del", "della", "dos", "das", "do", "la", "le", "ten", "ter", "af", "av", "auf",
})
_TITLE = re.compile(r"^(?:prof|dr|dipl|mag|pd|ing|med|phil|rer|nat|h\.|c\.)[\w.-]*\.?$|^\w\.$",
                    re.IGNORECASE)


@dataclass(frozen=True)
class IndexName:
    """A name as an index lists it."""

    family: str  # what it is sorted under
    given: str  # given names, then particles: "Johann Wolfgang von"
    titles: str = ""  # "Prof. Dr."

    @property
    def rest(self) -> str:
        """What follows the family name after the comma: given names, particles, titles."""
        return " ".join(x for x in (self.given, self.titles) if x)


def index_name(name: str) -> IndexName:
    """The family name and the rest of a speaker's name (see the module's rule)."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        words = family.split()
        particles = [w for w in words[:-1] if w.lower() in PARTICLES]
        if words and len(particles) == len(words) - 1:
            family = words[-1]
            given = " ".join(x for x in (given, *particles) if x)
        return IndexName(family, given)
    words = name.split()
    titles = []
    while len(words) > 1 and _TITLE.match(words[0]):
        titles.append(words.pop(0))
    if len(words) <= 1:
        return IndexName(words[0] if words else name, "", " ".join(titles))
    family = words[-1]
    at = len(words) - 1
    while at > 1 and words[at - 1].lower() in PARTICLES:
        at -= 1
    given = " ".join(words[:at] + words[at:-1])
    return IndexName(family, given, " ".join(titles))


@cache
def _collator() -> Any:
    from dokureport.i18n.collation import collator

    return collator()


def sort_key(name: IndexName) -> tuple[tuple[int, ...], ...]:
    """Family name, then given names, by the Unicode Collation Algorithm."""
    collator = _collator()
    return (collator.sort_key(name.family.casefold()), collator.sort_key(name.given.casefold()),
            collator.sort_key(name.family + name.given))


def initial(name: IndexName) -> str:
    """The letter an index groups a name under: Ä under A, Ø under O."""
    first = unicodedata.normalize("NFD", name.family[:1])[:1]
    return first.upper() if first else "#"
