"""People's names taken apart (i18n): given names, particles, family name, suffix, and
what is printed with a name but is not part of it (pronouns, nicknames, handles).

The rules (docs/event-format.md, "Speaker names"):
- pronouns, in brackets or not ("(she/her)", "she/they", "pronouns: he/him"), are dropped;
- nicknames and other additions in brackets or quotes ("(The Yonk)", '"RichiH"', "`thezero`",
  "(Дмитрий Волков)"), a handle ("@name") and what follows " - ", " | " or " / " are kept
  apart as `extras`: printed after the name, never sorted on;
- "Family, Given" (one comma) is taken as written; a family name in capitals ("DUPONT Jean",
  "Jean DUPONT") is one wherever it stands; otherwise the last word is the family name;
- particles before it (von, van, de, di, Ó …): written in lower case they follow the given
  names ("Richard von Weizsäcker" → "Weizsäcker, Richard von", DIN 5007-1 and Duden);
  capitalised they belong to the family name ("Luca Di Maio" → "Di Maio, Luca", as in Italy,
  Belgium and Ireland); the Irish Ó, Ní, Mac … always belong to it;
- academic titles in front (Prof., Dr.) and suffixes behind (Jr., III) are set apart;
- Chinese, Japanese and Korean names are written family name first, and a name that ends in
  a number ("Gast 3") has none: they are kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PARTICLES = frozenset({
    "von", "vom", "zu", "zum", "zur", "van", "der", "den", "de", "du", "des", "di", "da",
    "del", "della", "dei", "degli", "dos", "das", "do", "la", "le", "lo", "ten", "ter", "af",
    "av", "auf", "y", "e", "d'", "dal", "dalla", "op", "'t", "in", "het", "al", "el", "bin",
    "ibn", "bint", "ben", "st.", "san", "santa",
})
# Irish and Scottish patronymic particles: part of the family name however written.
FAMILY_PARTICLES = frozenset({"ó", "o", "ní", "nic", "mac", "mc", "ua", "uí", "mhic", "ap"})
# Abbreviated, so with their dot ("Phil." but not "Philippe"), or "Prof" and "Dr" bare.
_TITLE = re.compile(r"^(?:prof|dr|dipl|mag|pd|ing|med|phil|rer|nat|h|c)\.(?:-?[\w.]*\.)?$"
                    r"|^(?:prof|dr)$", re.IGNORECASE)
_SUFFIX = re.compile(r"^(?:jr|sr|jun|sen|junior|senior|ii|iii|iv|vi|vii|viii|phd|ph\.d|md|"
                     r"mba|msc|bsc|esq)\.?$", re.IGNORECASE)
_PRONOUN = (r"(?:she|her|hers|he|him|his|they|them|theirs|their|xe|xem|xir|ze|zir|hir|ey|em|"
            r"it|its|any|all|sie|ihr|er|ihm|elle|il|iel|ella|él|elu)")
_PRONOUNS = re.compile(
    rf"[(\[{{]\s*(?:pronouns?\s*:?\s*)?{_PRONOUN}(?:\s*/\s*{_PRONOUN})+\s*[)\]}}]"
    rf"|(?:pronouns?\s*:?\s*)?(?<![\w/]){_PRONOUN}(?:\s*/\s*{_PRONOUN})+(?![\w/])",
    re.IGNORECASE)
_OPEN, _CLOSE = "([{", ")]}"
# A nickname in quotes is short: bounded, so a name of many unclosed quotes is read in
# linear time.
_QUOTED = re.compile(r"(?<!\w)(?:\"([^\"]{1,80})\"|“([^”“]{1,80})”|„([^“”]{1,80})[“”]"
                     r"|«\s*([^»]{1,80}?)\s*»|‘([^’‘]{1,80})’|'([^']{1,80})'(?!\w)"
                     r"|`([^`]{1,80})`|´([^´]{1,80})´)")
_HANDLE = re.compile(r"(?<![\w@])@[\w.-]*\w")
_SEPARATOR = re.compile(r" (?:[-–—|/·•]|::) ")
# What a name starts or ends with that is no part of it.
_EDGE = " \t,;:-–—|/\\·•*#+=~_.!?()[]{}<>\"'`´“”„‘’«»"
_CJK = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "YI ")


@dataclass(frozen=True)
class NameParts:
    """A display name taken apart; `extras` print after the name and are never sorted on."""

    given: str = ""  # "Johann Wolfgang"
    particles: str = ""  # lower-case particles that follow the given names: "von"
    family: str = ""  # what the name is filed under: "Goethe", "Di Maio", "Ó Súilleabháin"
    suffix: str = ""  # "Jr.", "III"
    titles: str = ""  # "Prof. Dr."
    extras: tuple[str, ...] = ()  # nicknames, handles, other forms: "The Yonk", "@thezero"
    as_written: bool = False  # family name first (CJK) or one word: printed as it stands

    @property
    def natural(self) -> str:
        """The name in reading order, without titles and extras: "Richard von Weizsäcker"."""
        if self.as_written:
            return self.family
        return " ".join(x for x in (self.given, self.particles, self.family, self.suffix) if x)


def _script_of(text: str) -> str:
    """The Unicode script of the first letter, by its character name's first word."""
    for char in text:
        if unicodedata.category(char).startswith("L"):
            name = unicodedata.name(char, "")
            return "CJK" if name.startswith(_CJK) else name.split(" ")[0]
    return ""


def _unquote(text: str) -> tuple[str, list[str]]:
    extras: list[str] = []

    def keep(match: re.Match[str]) -> str:
        inner = next((g for g in match.groups() if g is not None), "")
        if inner.strip(_EDGE):
            extras.append(" ".join(inner.split()))
        return " "

    text = _PRONOUNS.sub(" ", text)
    text = _unbracket(text, extras)
    text = _QUOTED.sub(keep, text)
    for handle in _HANDLE.findall(text):
        extras.append(handle)
    text = _HANDLE.sub(" ", text)
    return text, extras


def _unbracket(text: str, extras: list[str]) -> str:
    """text without its bracketed parts, each outermost one's content (its own brackets
    left out) added to extras; one pass, however deep they nest. An unclosed bracket is
    left where it is (the word's edge is trimmed later)."""
    out: list[str] = []
    inner: list[str] = []
    depth = 0
    for char in text:
        if char in _OPEN:
            depth += 1
            if depth == 1:
                inner = []
                continue
        elif char in _CLOSE and depth:
            depth -= 1
            if depth == 0:
                content = " ".join("".join(inner).split())
                if content.strip(_EDGE):
                    extras.append(content)
                out.append(" ")
                continue
        if depth:
            if char not in _OPEN and char not in _CLOSE:
                inner.append(char)
        else:
            out.append(char)
    if depth:  # never closed: kept as text
        out.append(" " + "".join(inner))
    return "".join(out)


def _is_word(word: str) -> bool:
    return any(unicodedata.category(c)[0] in "LN" for c in word)


def _trim(word: str) -> str:
    """A word without the punctuation around it; a particle's apostrophe ('t, d') stays."""
    word = word.strip(_EDGE.replace(".", "").replace("'", "").replace("’", ""))
    return word if word.casefold() in PARTICLES else word.lstrip(".'’")


def parse(name: str) -> NameParts:
    """`name` taken apart by the module's rules."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    rest, extras = _unquote(text)
    # Spaces collapsed first: a separator's pattern on a long run of them backtracks.
    first, *more = _SEPARATOR.split(" ".join(rest.split()))
    extras += [m.strip(_EDGE) for m in more if m.strip(_EDGE)]
    if "," in first.strip(_EDGE) and _is_word(first):
        return _inverted(first, tuple(dict.fromkeys(e for e in extras if e)))
    words = [_trim(w) for w in first.split() if _is_word(w)]
    if not words:
        # Nothing but additions: the first one is the name ("@thezero", "(Kiki)").
        if extras:
            head = extras[0].lstrip("@")
            return parse(head) if head != name else NameParts(family=head, as_written=True)
        bare = text.strip(_EDGE) or text
        return NameParts(family=bare, as_written=True)
    extras_t = tuple(dict.fromkeys(e for e in extras if e))
    joined = " ".join(words)
    titles = []
    while len(words) > 1 and _TITLE.match(words[0]):
        titles.append(words.pop(0))
    suffixes: list[str] = []
    while len(words) > 1 and _SUFFIX.match(words[-1]):
        suffixes.insert(0, words.pop())
    title, suffix = " ".join(titles), " ".join(suffixes)
    # A number at the end ("Gast 3", "Team 42") is no family name: as written.
    if len(words) == 1 or _script_of(joined) == "CJK" or words[-1].isdigit():
        return NameParts(family=" ".join(words), titles=title, suffix=suffix, extras=extras_t,
                         as_written=True)
    capitals = _capitals(words)
    if capitals:  # "LATHUILIERE Bruno", "Clément OUDOT": the family name in capitals
        start, end = capitals
        given = " ".join(words[:start] + words[end:])
        return NameParts(given=given, family=" ".join(words[start:end]), suffix=suffix,
                         titles=title, extras=extras_t)
    given, particles, family = _split(words)
    return NameParts(given=given, particles=particles, family=family, suffix=suffix,
                     titles=title, extras=extras_t)


def _capitals(words: list[str]) -> tuple[int, int] | None:
    """Where a name writes its family name in capitals, as French names often do: one run
    of words in capitals, at the start or the end, among words that are not. Initials and
    short acronyms ("K.S.", "JJ") are not a family name."""
    long = [len([c for c in w if c.isalpha()]) > 2 and "." not in w and w.isupper()
            for w in words]
    upper = [x or (w.isupper() and w.casefold() in PARTICLES)
             for x, w in zip(long, words, strict=True)]
    if not any(long) or all(upper):
        return None
    start = upper.index(True)
    end = start
    while end < len(words) and upper[end]:
        end += 1
    if any(upper[end:]) or (start > 0 and end < len(words)):
        return None
    return start, end


def _split(words: list[str]) -> tuple[str, str, str]:
    """Given names, lower-case particles and family name of a name in reading order."""
    at = len(words) - 1
    while at > 1 and _particle(words[at - 1]):
        at -= 1
    run = words[at:-1]
    if not run:
        return " ".join(words[:-1]), "", words[-1]
    # A capitalised run, or an Irish one, is the start of the family name.
    if run[0][:1].isupper() or any(w.casefold() in FAMILY_PARTICLES for w in run):
        return " ".join(words[:at]), "", " ".join(words[at:])
    return " ".join(words[:at]), " ".join(run), words[-1]


def _particle(word: str) -> bool:
    return word.casefold() in PARTICLES or word.casefold() in FAMILY_PARTICLES


def _inverted(text: str, extras: tuple[str, ...]) -> NameParts:
    """ "Family, Given" (or "King, Martin Luther, Jr." and "Smith, Jr., John")."""
    parts = [" ".join(_trim(w) for w in p.split() if _is_word(w)) for p in text.split(",")]
    parts = [p for p in parts if p]
    suffixes = [p for p in parts[1:] if _SUFFIX.match(p)]
    parts = [p for p in parts if p not in suffixes]
    if len(parts) == 1:  # "Martin Luther King, Jr."
        inner = parse(parts[0])
        return NameParts(inner.given, inner.particles, inner.family,
                         " ".join([inner.suffix, *suffixes]).strip(), inner.titles,
                         extras, inner.as_written)
    family, given = parts[0], " ".join(parts[1:])
    family_words = family.split()
    # "von Goethe, Johann Wolfgang": lower-case particles follow the given names.
    lead = []
    while len(family_words) > 1 and family_words[0] in PARTICLES:
        lead.append(family_words.pop(0))
    given_words = given.split()
    titles = []
    while len(given_words) > 1 and _TITLE.match(given_words[-1]):
        titles.insert(0, given_words.pop())
    tail = []  # "Goethe, Johann Wolfgang von": particles already behind the given names
    while len(given_words) > 1 and given_words[-1] in PARTICLES:
        tail.insert(0, given_words.pop())
    return NameParts(given=" ".join(given_words), particles=" ".join([*tail, *lead]),
                     family=" ".join(family_words), suffix=" ".join(suffixes),
                     titles=" ".join(titles), extras=extras)


def identity(name: str) -> str:
    """What makes two written names one person: the name's parts in reading order, without
    pronouns, nicknames and titles, NFKC, case-folded, spaces collapsed."""
    parts = parse(name)
    plain = " ".join(x for x in (parts.given, parts.particles, parts.family, parts.suffix) if x)
    return " ".join(unicodedata.normalize("NFKC", plain).casefold().split())
