"""A web address too long for any QR code is printed as a link only, with a warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf

from dokureport.event.model import QR_MAX_BYTES, fits_qr_code
from tests.conftest import minimal_event


def test_the_qr_capacity_is_counted_in_bytes() -> None:
    assert fits_qr_code("https://e.org/" + "a" * (QR_MAX_BYTES - 14))
    assert not fits_qr_code("https://e.org/" + "a" * (QR_MAX_BYTES - 13))
    # Umlauts take two bytes in UTF-8.
    assert not fits_qr_code("https://e.org/" + "ä" * (QR_MAX_BYTES // 2))


def test_an_address_too_long_for_a_qr_code_builds_with_a_warning(make_event, build,
                                                                  tmp_path: Path) -> None:
    # It used to end the build as a bug: "code length overflow".
    slides = "https://example.org/folien?" + "x" * 3000
    video = "https://example.org/video?" + "y" * 3000
    folder = make_event(minimal_event(
        talks=[{"title": "Vortrag", "slides": slides}],
        videos=[{"title": "Film", "url": video}]))
    out, result = build(folder)
    messages = [str(w) for w in result.warnings]
    assert any("talks[0].slides: too long for a QR code (3027 bytes, at most 2331): "
               "printed as a link only" in m for m in messages), messages
    assert any("videos[0].url: too long for a QR code (3026 bytes" in m for m in messages)
    with pikepdf.open(out) as pdf:
        uris = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", [])
                if a.get("/A") is not None and a.A.get("/URI") is not None}
        assert {slides, video} <= uris
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(out), str(tmp_path / "p")], check=True)
    scans = [subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                            text=True).stdout for png in sorted(tmp_path.glob("p-*.png"))]
    assert scans and not any(scans), "no page carries a QR code"
