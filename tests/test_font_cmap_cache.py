"""A font's character set comes from the user's cache: fontTools reads each file once."""

from __future__ import annotations

from pathlib import Path

import fontTools.ttLib
import pytest

from dokureport.core.resources import fonts_dir
from dokureport.text import fonts

NOTO = fonts_dir() / "NotoSans-Regular.ttf"


def test_a_second_read_takes_the_characters_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with fontTools.ttLib.TTFont(str(NOTO), lazy=True) as font:
        expected = frozenset(font.getBestCmap())
    assert fonts._codepoints.__wrapped__(NOTO) == expected
    (kept,) = (tmp_path / "dokureport" / "cmaps").iterdir()
    assert kept.name.startswith(f"v{fonts.CMAP_CACHE_VERSION}-")

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the font although the cache had its characters")

    monkeypatch.setattr(fontTools.ttLib, "TTFont", no_parsing)
    assert fonts._codepoints.__wrapped__(NOTO) == expected
    kept.write_bytes(b"damaged")  # a damaged entry is read again from the font
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert fonts._codepoints.__wrapped__(NOTO) == expected
