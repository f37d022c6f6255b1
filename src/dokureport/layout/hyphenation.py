"""Where a word may break: German compounds first, then syllables; other languages by pyphen."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Protocol

import pyphen

# Fewer letters than this never stand alone before or after a break.
MIN_LEFT = 3
MIN_RIGHT = 3


class Hyphenator(Protocol):
    def inserted(self, word: str, hyphen: str = "-") -> str: ...


class TwoLevelHyphenator:
    """Hyphenation with a two-level LibreOffice dictionary (compound level, then syllables).

    pyphen reads the two levels of hyph_de_DE.dic as one pattern set, which mixes
    compound patterns into syllable breaks ("beda-rfs-orientiert"). Splitting the
    file and applying the levels in order, as libhyphen does, gives
    "be-darfs-ori-en-tiert".
    """

    def __init__(self, dictionary: Path) -> None:
        lines = dictionary.read_bytes().decode("latin-1").splitlines()
        encoding, body = lines[0], lines[1:]
        split = next(i for i, line in enumerate(body) if line.strip() == "NEXTLEVEL")
        levels = []
        # pyphen reads a dictionary only from a file, and reads it whole when it is
        # made: the files live exactly as long as that takes.
        with tempfile.TemporaryDirectory(prefix="dokureport-hyph-") as temp:
            for name, patterns in (("compounds", body[:split]),
                                   ("syllables", body[split + 1 :])):
                path = Path(temp) / f"{name}.dic"
                path.write_bytes("\n".join([encoding, *patterns]).encode("latin-1"))
                levels.append(pyphen.Pyphen(filename=str(path), left=2, right=2,
                                                cache=False))
        self._compounds, self._syllables = levels

    def inserted(self, word: str, hyphen: str = "-") -> str:
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
        return hyphen.join(merged)


class NoHyphenation:
    """For a language pyphen has no dictionary for: words are never broken."""

    def inserted(self, word: str, hyphen: str = "-") -> str:
        return word


@cache
def hyphenator(lang: str) -> Hyphenator:
    """The hyphenator for a brochure language: pyphen's dictionary for it, if there is one."""
    if lang == "de":
        return TwoLevelHyphenator(Path(pyphen.LANGUAGES["de_DE"]))
    if lang == "en":
        return pyphen.Pyphen(lang="en_GB", left=MIN_LEFT, right=MIN_RIGHT)
    found = pyphen.language_fallback(lang.replace("-", "_"))
    if found is None:
        return NoHyphenation()
    return pyphen.Pyphen(lang=found, left=MIN_LEFT, right=MIN_RIGHT)
