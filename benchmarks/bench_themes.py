"""What a theme costs: the sample event built in each theme, warm photo and font caches.

Usage (from the repository root, in the project's virtual environment):

    python benchmarks/bench_themes.py [--repeat 5]

Builds the bundled sample once per theme to warm the photo cache and the converted-font
cache (CFF fonts are converted once per file and machine), then times `repeat` builds per
theme in this process and prints the median and spread of each, and each theme's cost
against the default theme. The cold conversion of a CFF font is printed apart: it is
paid once.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from dokureport.core.options import BuildOptions
from dokureport.core.resources import fonts_dir, sample_event_dir
from dokureport.design.theme import bundled_themes
from dokureport.pipeline import build_brochure
from dokureport.text.font_files import embeddable


def _setup_time(name: str, cache: Path) -> float:
    """What the theme itself adds to a build: load and check it, register its fonts
    (converted files from the cache), make its styles. The median of 20."""
    from dokureport.design.geometry import geometry_for
    from dokureport.design.theme import load_theme
    from dokureport.layout.styles import make_styles
    from dokureport.text.fonts import register_family

    runs = []
    for _ in range(20):
        started = time.perf_counter()
        theme, _ = load_theme(name, sample_event_dir())
        fonts, _ = register_family(theme.font_files, cache)
        make_styles(geometry_for("a4", theme), theme, fonts)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        cache = Path(temp) / "cache"
        started = time.perf_counter()
        embeddable(fonts_dir() / "LinLibertine_R.otf", Path(temp) / "cold", "regular")
        print(f"cold CFF conversion of one font (LinLibertine_R.otf): "
              f"{time.perf_counter() - started:.2f} s, once per file and machine")
        themes = bundled_themes()
        for name in themes:  # warm every cache
            build_brochure(sample_event_dir(), Path(temp) / f"{name}.pdf",
                           BuildOptions(theme=name, cache_dir=cache))
        times: dict[str, list[float]] = {name: [] for name in themes}
        for _ in range(args.repeat):
            for name in themes:  # interleaved: drift in the machine hits every theme alike
                started = time.perf_counter()
                result = build_brochure(sample_event_dir(), Path(temp) / f"{name}.pdf",
                                        BuildOptions(theme=name, cache_dir=cache))
                times[name].append(time.perf_counter() - started)
        base = statistics.median(times["default"])
        setup = {name: _setup_time(name, cache) for name in themes}
        print("\n| theme | pages | theme setup | median build | spread | against default |")
        print("|---|---|---|---|---|---|")
        for name in themes:
            runs = times[name]
            pages = build_brochure(sample_event_dir(), Path(temp) / "p.pdf",
                                   BuildOptions(theme=name, cache_dir=cache)).pages
            print(f"| {name} | {pages} | {setup[name] * 1000:.1f} ms | "
                  f"{statistics.median(runs):.2f} s | "
                  f"{min(runs):.2f}–{max(runs):.2f} s | "
                  f"{statistics.median(runs) / base - 1:+.0%} |")
        del result


if __name__ == "__main__":
    main()
