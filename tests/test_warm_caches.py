"""What a build keeps between runs and loads late: QR symbols cached, fallback fonts on need."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from dokureport.layout import flowables

URL = "https://example.org/slides/1.pdf"


def test_a_qr_symbol_is_encoded_once_and_then_read_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    encoded = flowables._qr_runs.__wrapped__(URL)
    assert encoded == flowables._encoded(URL)
    assert len(list((tmp_path / "dokureport" / "qr").glob("v*.pickle"))) == 1

    def no_encoding(url: str) -> None:
        raise AssertionError("encoded although the cache had the symbol")

    monkeypatch.setattr(flowables, "_encoded", no_encoding)
    assert flowables._qr_runs.__wrapped__(URL) == encoded


def test_a_cached_symbol_of_another_url_is_not_used(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    flowables._qr_runs.__wrapped__(URL)
    (cached,) = (tmp_path / "dokureport" / "qr").glob("v*.pickle")
    other = "https://example.org/other"
    # The file at URL's place claims to hold another URL's symbol (a hash collision).
    cached.write_bytes(pickle.dumps((other, *flowables._encoded(other))))
    assert flowables._qr_runs.__wrapped__(URL) == flowables._encoded(URL)


_PROBE = """
import json, sys
from reportlab.pdfbase import pdfmetrics
from dokureport import engine
from dokureport.text import fonts
engine.install()
runs = fonts.split_runs(sys.argv[1])
print(json.dumps({"runs": [[r.text, r.font] for r in runs],
                  "cmaps_read": fonts._codepoints.cache_info().currsize,
                  "registered": sorted(n for n in ("DejaVuSans", "DroidSansFallback")
                                       if n in pdfmetrics.getRegisteredFontNames())}))
"""


def _probe(text: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, text], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def test_text_in_the_main_family_loads_no_fallback_font() -> None:
    seen = _probe("Grüße aus Duisburg – „Präventionsketten“\xad")
    assert seen["runs"] == [["Grüße aus Duisburg – „Präventionsketten“\xad", None]]
    assert seen["registered"] == []
    assert seen["cmaps_read"] == 4  # the family's four styles, no fallback's


def test_a_chinese_name_loads_the_cjk_fallback_when_it_is_needed() -> None:
    seen = _probe("Frau 王小明")
    assert seen["runs"] == [["Frau ", None], ["王小明", "DroidSansFallback"]]
    assert seen["registered"] == ["DroidSansFallback"]
