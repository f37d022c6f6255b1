"""The installed package carries what it needs: fonts with licences and the sample event."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_fonts_licences_and_sample(tmp_path: Path) -> None:
    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                   versions=["standard"])))
    names = set(zipfile.ZipFile(wheel).namelist())
    for font in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
                 "NotoSans-BoldItalic.ttf", "NotoSans.copyright.txt", "DroidSansFallbackFull.ttf"):
        assert f"dokureport/_fonts/{font}" in names
    assert "dokureport/_sample/event.yaml" in names
    assert sum(n.startswith("dokureport/_sample/photos/") for n in names) == 9
