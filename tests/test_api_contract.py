"""One contract for every entrance (issue 24): the API checks options by the command
line's rules and Python data by event.yaml's, and raises InputError with short messages."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import click
import pytest

import dokureport
from dokureport.cli import build as build_command
from dokureport.core import options
from dokureport.core.errors import InputError
from tests.conftest import minimal_event

HUGE = "x" * 10_000_000  # 10 MB


def _build(tmp_path: Path, data: Any = None, **kwargs: Any) -> InputError:
    kwargs.setdefault("folder", tmp_path)
    with pytest.raises(InputError) as caught:
        dokureport.build(minimal_event() if data is None else data, io.BytesIO(), **kwargs)
    return caught.value


# --- options: the command line's rules --------------------------------------------------

@pytest.mark.parametrize(("option", "value", "excerpt"), [
    ("paper", "a3", "'a3'"),
    ("target", "pdf", "'pdf'"),
    ("target", "all", "'all'"),
    ("bleed_mm", math.inf, "inf"),
    ("bleed_mm", -3, "-3"),
    ("bleed_mm", 20.5, "20.5"),
    ("bleed_mm", math.nan, "nan"),
    ("bleed_mm", "3", "'3'"),
    ("bleed_mm", True, "True"),
    ("jobs", 0, "0"),
    ("jobs", 1.5, "1.5"),
    ("jobs", True, "True"),
    ("booklet", "no", "'no'"),
    ("strict", 1, "1"),
    ("allow_outside", None, "nothing"),
    ("theme", 5, "5"),
    ("cache_dir", 5, "5"),
    ("folder", 5, "5"),
    ("progress", "yes", "'yes'"),
])
def test_a_bad_option_is_an_input_error_naming_it(tmp_path: Path, option: str, value: Any,
                                                  excerpt: str) -> None:
    error = _build(tmp_path, **{option: value})
    [problem] = error.problems
    assert problem.code == "invalid-option"
    assert f"the option {option}" in problem.message and excerpt in problem.message
    assert error.exit_code == 2


def test_every_bad_option_at_once_and_no_value_quoted_whole(tmp_path: Path) -> None:
    error = _build(tmp_path, paper=HUGE, target=HUGE, theme=b"x" * 10_000_000)
    assert [p.message.split(":")[0] for p in error.problems] == [
        "the option target", "the option paper", "the option theme"]
    assert len(str(error)) < 1000


def test_good_options_pass(tmp_path: Path) -> None:
    result = dokureport.build(minimal_event(), io.BytesIO(), folder=str(tmp_path),
                              target="print", paper="letter", bleed_mm=0, jobs=1,
                              booklet=False, strict=False, allow_outside=False,
                              theme=Path("classic"), cache_dir=None, progress=None)
    assert result.target == "print"


def _param(name: str) -> click.Parameter:
    return next(p for p in build_command.params if p.name == name)


def test_the_command_line_reads_the_same_rules() -> None:
    paper, target = _param("paper").type, _param("targets").type
    assert isinstance(paper, click.Choice) and isinstance(target, click.Choice)
    assert tuple(paper.choices) == options.PAPERS == ("a4", "a5", "letter")
    assert tuple(target.choices) == (*options.TARGETS, "all") == ("screen", "print", "all")
    bleed, jobs = _param("bleed_mm").type, _param("jobs").type
    assert isinstance(bleed, click.FloatRange) and isinstance(jobs, click.IntRange)
    assert (bleed.min, bleed.max) == options.BLEED_MM == (0, 20)
    assert (jobs.min, jobs.max) == (options.MIN_JOBS, None) == (1, None)


@pytest.mark.parametrize("bleed", ["nan", "inf", "-3", "21"])
def test_the_command_line_refuses_the_bleeds_the_api_refuses(runner: Any, bleed: str,
                                                             tmp_path: Path) -> None:
    result = runner.invoke(build_command, ["--bleed", bleed, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--bleed" in result.output
    assert not (tmp_path / "x.pdf").exists()
