"""A theme's corporate colour reaches every tint: a theme that sets only its primary gets
tints mixed from it (read back from the PDF's filled boxes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest

from dokureport.design.theme import load_theme
from dokureport.design.tints import tint_of
from dokureport.pipeline import BuildResult
from tests.conftest import minimal_event

Build = Callable[..., tuple[Path, BuildResult]]
RED = "#CC0000"


def _fills(pdf_path: Path, page_text: str) -> list[tuple[float, ...]]:
    """The fill colours of the boxes on the first page that shows `page_text`."""
    with pdfplumber.open(pdf_path) as pdf:
        page = next(p for p in pdf.pages if page_text in (p.extract_text() or ""))
        return [tuple(r["non_stroking_color"]) for r in page.rects
                if r.get("fill") and r.get("non_stroking_color") is not None]


def _light_red(colour: tuple[float, ...]) -> bool:
    red, green, blue = colour
    return red > 0.95 and 0.85 < green < 0.97 and abs(green - blue) < 0.02


def test_a_tint_of_red_is_light_red() -> None:
    tint = tint_of(RED)
    assert _light_red(tuple(int(tint[i:i + 2], 16) / 255 for i in (1, 3, 5)))


def test_a_red_primary_makes_the_contact_cards_light_red(
        make_event: Callable[..., Path], build: Build, tmp_path: Path) -> None:
    theme = tmp_path / "red.yaml"
    theme.write_text(f'extends: default\ncolours: {{primary: "{RED}"}}\n', encoding="utf-8")
    folder = make_event(minimal_event(contacts=[{"name": "Ada Muster", "phone": "030 1"}]))
    out, _ = build(folder, theme=str(theme))
    fills = _fills(out, "Ada Muster")
    assert fills and all(_light_red(fill) for fill in fills), fills


def test_a_tint_the_theme_sets_is_kept(tmp_path: Path) -> None:
    theme = tmp_path / "own.yaml"
    theme.write_text(f'colours: {{primary: "{RED}", tint: "#F0F0F0"}}\n', encoding="utf-8")
    loaded, _ = load_theme(str(theme), tmp_path)
    assert loaded.colours.tint == "#f0f0f0"
    assert loaded.colours.cover_panel == RED.lower(), "the panel follows the primary"


@pytest.mark.parametrize("name", ["default", "classic", "bold"])
def test_the_bundled_themes_keep_their_own_colours(name: str, tmp_path: Path) -> None:
    loaded, _ = load_theme(name, tmp_path)
    assert loaded.colours.tint != tint_of(loaded.colours.primary)
