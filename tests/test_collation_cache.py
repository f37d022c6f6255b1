"""The collation table comes from the user's cache; sort keys are pyuca's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyuca import Collator

from dokureport.i18n import collation

NAMES = ("Müller", "Mueller", "Muller", "Ärger", "Øster", "Straße", "Strasse", "van der Berg",
         "Ångström", "Ñúñez", "Çelik", "Şahin", "Dvořák", "Łukasz", "Ζωή", "Пётр", "Ёлка",
         "שרה", "محمد", "王小明", "金", "ﬁnal", "e\u0301cole", "\U00020000x", "1. Mai", "",
         "ǅemal", "Ḁ", "a\u0308\u0323")


def test_cached_table_gives_pyuca_sort_keys_and_parses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = Collator()
    first = collation.collator(tmp_path)  # parses, and keeps the table
    (kept,) = (tmp_path / "collation").iterdir()
    assert kept.name.startswith(f"v{collation.COLLATION_CACHE_VERSION}-pyuca")

    def no_parsing(self: Collator, filename: str) -> None:
        raise AssertionError("parsed although the cache had the table")

    monkeypatch.setattr(Collator, "load", no_parsing)
    cached = collation.collator(tmp_path)
    assert isinstance(cached, collation._CachedCollator)
    for name in NAMES:
        assert cached.sort_key(name) == parsed.sort_key(name) == first.sort_key(name), name
    assert sorted(NAMES, key=cached.sort_key) == sorted(NAMES, key=parsed.sort_key)


def test_a_damaged_cache_file_only_costs_the_parse(tmp_path: Path) -> None:
    collation.collator(tmp_path)
    (kept,) = (tmp_path / "collation").iterdir()
    kept.write_bytes(b"\x80\x05not a pickle")
    again = collation.collator(tmp_path)
    assert not isinstance(again, collation._CachedCollator)
    assert again.sort_key("Müller") == Collator().sort_key("Müller")
    assert isinstance(collation.collator(tmp_path), collation._CachedCollator)


@pytest.mark.slow
def test_a_damaged_block_inside_the_cache_falls_back_to_parsing(tmp_path: Path) -> None:
    from dokureport.core import plain_cache

    collation.collator(tmp_path)
    (kept,) = (tmp_path / "collation").iterdir()
    blocks, weights = plain_cache.load(kept)
    blocks = {block: b"\x80\x05damaged" for block in blocks}
    plain_cache.store(kept, (blocks, weights))
    cached = collation.collator(tmp_path)
    assert isinstance(cached, collation._CachedCollator)
    for name in NAMES:
        assert cached.sort_key(name) == Collator().sort_key(name), name
