"""Where a word may break: German compounds first, then syllables; other languages by pyphen."""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Protocol

import pyphen

from dokureport.text.patterns import pyphen_for

# Fewer letters than this never stand alone before or after a break.
MIN_LEFT = 3
MIN_RIGHT = 3
# In a compound, a syllable break keeps this many letters after the word's start, and
# after a joint: the joints ("Landes-jugend", "ressort-über") come before short
# syllables ("Lan-des-ju-gend", "res-sort").
MIN_IN_PART = 4
MIN_AFTER_JOINT = 3
# Words whose breaks a process keeps: a brochure, or a watch session, repeats its words.
_WORDS_KEPT = 1 << 16


class Hyphenator(Protocol):
    def inserted(self, word: str, hyphen: str = "-") -> str: ...


class TwoLevelHyphenator:
    """Hyphenation with a two-level LibreOffice dictionary (compound level, then syllables).

    pyphen reads the two levels of hyph_de_DE.dic as one pattern set, which mixes
    compound patterns into syllable breaks ("beda-rfs-orientiert"). Splitting the
    file and applying the levels in order, as libhyphen does, gives
    "be-darfs-ori-en-tiert".
    """

    def __init__(self, dictionary: Path, cache_folder: Path | None = None) -> None:
        data = dictionary.read_bytes()
        self._compounds, self._syllables = (
            # The level's text is made only to parse it: the cache usually has it.
            pyphen_for(data, name, lambda level=level: _level(data, level), left=2, right=2,
                       folder=cache_folder)
            for level, name in enumerate(("compounds", "syllables"))
        )
        self._words = lru_cache(maxsize=_WORDS_KEPT)(self._breaks)

    def inserted(self, word: str, hyphen: str = "-") -> str:
        return hyphen.join(self._words(word))

    def _breaks(self, word: str) -> tuple[str, ...]:
        n = len(word)
        every_joint = self._compounds.positions(word)
        # A joint that leaves a sliver at the word's end ("Stolperstei-ne") is no break.
        joints = [p for p in every_joint if MIN_LEFT <= p <= n - MIN_RIGHT]
        # Syllables are read part by part, as libhyphen does, and kept only where the
        # whole word's reading agrees: a part read alone misreads its end ("Stolperstei"
        # → "Stol-pers-tei"), the whole word alone misreads compounds ("Zusam-me-na-rbeit").
        whole = set(self._syllables.positions(word))
        bounds = [0, *every_joint, n]
        spans = [0, *joints, n]
        breaks = set(joints)
        for start, end in pairwise(bounds):
            for q in self._syllables.positions(word[start:end]):
                p = start + q
                if p not in whole or not MIN_LEFT <= p <= n - MIN_RIGHT:
                    continue
                # In a compound the joints come first: a syllable break keeps three letters
                # after a joint ("Landes-jugend", not "Landesju-gend") and four at the
                # start of the word ("ressort-über", not "res-sort").
                part_start = max(b for b in spans if b < p)
                part_end = min(b for b in spans if b > p)
                least = (MIN_IN_PART if part_start == 0 else MIN_AFTER_JOINT) if joints else 2
                if p - part_start < least or part_end - p < 2:
                    continue
                breaks.add(p)
        cuts = [0]
        for p in sorted(breaks):
            if p - cuts[-1] < 2 and cuts[-1] and cuts[-1] not in joints:
                cuts.pop()  # a one-letter syllable joins the one before it ("tio-nen")
            if p - cuts[-1] >= 2:
                cuts.append(p)
        cuts.append(n)
        return tuple(word[a:b] for a, b in pairwise(cuts))


def _level(data: bytes, level: int) -> bytes:
    """One level of a two-level dictionary (0: compounds, 1: syllables) as a pattern file."""
    lines = data.decode("latin-1").splitlines()
    encoding, body = lines[0], lines[1:]
    split = next(i for i, line in enumerate(body) if line.strip() == "NEXTLEVEL")
    patterns = body[:split] if level == 0 else body[split + 1 :]
    return "\n".join([encoding, *patterns]).encode("latin-1")


class PyphenHyphenator:
    """One pyphen pattern set, each word's breaks kept for the life of the process."""

    def __init__(self, dictionary: Path, cache_folder: Path | None = None) -> None:
        data = dictionary.read_bytes()
        self._pyphen = pyphen_for(data, "whole", data, left=MIN_LEFT, right=MIN_RIGHT,
                                  folder=cache_folder)
        self.inserted = lru_cache(maxsize=_WORDS_KEPT)(self._pyphen.inserted)


class NoHyphenation:
    """For a language pyphen has no dictionary for: words are never broken."""

    def inserted(self, word: str, hyphen: str = "-") -> str:
        return word


@cache
def hyphenator(lang: str) -> Hyphenator:
    """The hyphenator for a brochure language: pyphen's dictionary for it, if there is one."""
    if lang == "de":
        return TwoLevelHyphenator(Path(pyphen.LANGUAGES["de_DE"]))
    found = "en_GB" if lang == "en" else pyphen.language_fallback(lang.replace("-", "_"))
    if found is None:
        return NoHyphenation()
    return PyphenHyphenator(Path(pyphen.LANGUAGES[found]))
