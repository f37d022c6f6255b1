"""Where a word may break: German compounds first, then syllables; other languages by pyphen."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import pyphen

from dokureport.text.patterns import pyphen_for

# Fewer letters than this never stand alone before or after a break.
MIN_LEFT = 3
MIN_RIGHT = 3
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
        parts = self._compounds.inserted(word, hyphen="\0").split("\0")
        pieces = "\0".join(self._syllables.inserted(p, hyphen="\0") for p in parts).split("\0")
        # Merge pieces so that no break leaves fewer than MIN_LEFT/MIN_RIGHT letters.
        merged: list[str] = []
        for piece in pieces:
            if merged and (len("".join(merged)) < MIN_LEFT or len(piece) < 2):
                merged[-1] += piece
            else:
                merged.append(piece)
        while len(merged) > 1 and len(merged[-1]) < MIN_RIGHT:
            last = merged.pop()
            merged[-1] += last
        return tuple(merged)


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
