"""One contract for every entrance (issue 24): the API checks options by the command
line's rules and Python data by event.yaml's, and raises InputError with short messages."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import click
import pytest

import dokureport
from dokureport.cli import build as build_command
from dokureport.cli import cli
from dokureport.core import options
from dokureport.core.errors import InputError, Problem
from dokureport.validate import validate_data, validate_event
from tests.conftest import minimal_event

HUGE = "x" * 10_000_000  # 10 MB


def _build(tmp_path: Path, data: Any = None, **kwargs: Any) -> InputError:
    kwargs.setdefault("folder", tmp_path)
    with pytest.raises(InputError) as caught:
        dokureport.build(minimal_event() if data is None else data, io.BytesIO(), **kwargs)
    return caught.value


def _invalid(data: Any, tmp_path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        validate_data(data, tmp_path, decode_images=False)
    return caught.value


# --- options: the command line's rules --------------------------------------------------

@pytest.mark.parametrize(("option", "value", "excerpt"), [
    ("paper", "a3", "'a3'"),
    ("target", "pdf", "'pdf'"),
    ("target", "All", "'All'"),
    ("target", ["screen", "pdf"], "a list"),
    ("target", [], "a list"),
    ("bleed_mm", math.inf, "inf"),
    ("bleed_mm", -3, "-3"),
    ("bleed_mm", 20.5, "20.5"),
    ("bleed_mm", math.nan, "nan"),
    ("bleed_mm", "3", "'3'"),
    pytest.param("bleed_mm", 10 ** 4400, "a number with thousands of digits", id="bleed-huge"),
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


def test_a_bad_source_or_output_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"the source: .* not a Python int"):
        dokureport.build(5, io.BytesIO())  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"the output: .* not a Python int"):
        dokureport.build(minimal_event(), 5, folder=tmp_path)  # type: ignore[arg-type]


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
    assert tuple(target.choices) == options.TARGET_CHOICES == ("screen", "print", "all")
    bleed, jobs = _param("bleed_mm").type, _param("jobs").type
    assert isinstance(bleed, click.FloatRange) and isinstance(jobs, click.IntRange)
    assert (bleed.min, bleed.max) == options.BLEED_MM == (0, 20)
    assert (jobs.min, jobs.max) == (options.MIN_JOBS, None) == (1, None)


@pytest.mark.parametrize("value", ["screen", "print", "all", "pdf", "SCREEN", "", "all "])
def test_the_api_takes_the_targets_the_command_line_takes(value: str) -> None:
    target = _param("targets").type
    assert isinstance(target, click.Choice)
    try:
        target.convert(value, None, None)
        cli_takes = True
    except click.BadParameter:
        cli_takes = False
    assert (options.option_problems(target=value) == []) is cli_takes
    assert (options.option_problems(target=[value, "screen"]) == []) is cli_takes


@pytest.mark.parametrize(("given", "chosen"), [
    ("all", ["screen", "print"]), (("print", "all"), ["screen", "print"]),
    (["print", "screen", "print"], ["print", "screen"]), ("print", ["print"])])
def test_the_targets_chosen_are_the_command_line_s(runner: Any, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   given: Any, chosen: list[str]) -> None:
    import dokureport.api as api
    import dokureport.pipeline as pipeline

    asked: list[list[str]] = []

    def recorded(event: Any, output: Path, opts: Any, targets: Any, *args: Any,
                 **kwargs: Any) -> Any:
        asked.append(list(targets))
        raise InputError([Problem("stop here", code="invalid-option")])

    monkeypatch.setattr(api, "build_brochures", recorded)
    monkeypatch.setattr(pipeline, "build_brochures", recorded)
    with pytest.raises(InputError):
        dokureport.build(minimal_event(), tmp_path / "a.pdf", folder=tmp_path, target=given)
    flags = [f"--target={t}" for t in ([given] if isinstance(given, str) else given)]
    event = tmp_path / "event"
    event.mkdir()
    (event / "event.yaml").write_text("title: Fachtag\nevent:\n  start: 2024-03-05\n")
    runner.invoke(cli, ["build", str(event), "-o", str(tmp_path / "b.pdf"), *flags])
    assert asked == [chosen, chosen]


def test_target_all_through_the_api_writes_both_pdfs_as_the_command_does(
        tmp_path: Path) -> None:
    import pikepdf

    out = tmp_path / "out.pdf"
    result = dokureport.build(minimal_event(), out, folder=tmp_path, target="all")
    assert result.target == "screen" and result.output == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-print.pdf", "out.pdf"]
    with pikepdf.open(out) as screen, pikepdf.open(tmp_path / "out-print.pdf") as printed:
        assert "/TrimBox" not in screen.pages[0].obj or (
            screen.pages[0].obj.TrimBox == screen.pages[0].obj.MediaBox)
        assert printed.pages[0].obj.TrimBox != printed.pages[0].obj.MediaBox  # bleed
    with pytest.raises(InputError, match="2 targets write one PDF each"):
        dokureport.build(minimal_event(), io.BytesIO(), folder=tmp_path, target="all")


@pytest.mark.parametrize("bleed", ["nan", "inf", "-3", "21"])
def test_the_command_line_refuses_the_bleeds_the_api_refuses(runner: Any, bleed: str,
                                                             tmp_path: Path) -> None:
    result = runner.invoke(build_command, ["--bleed", bleed, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--bleed" in result.output
    assert not (tmp_path / "x.pdf").exists()


# --- data: event.yaml's rules -----------------------------------------------------------

@pytest.mark.parametrize("start", [1.5, 0, 20240305, True, 1e300, math.nan])
def test_a_number_is_not_a_date(tmp_path: Path, start: Any) -> None:
    error = _invalid(minimal_event(event={"start": start}), tmp_path)
    [problem] = error.problems
    assert problem.key_path == "event.start" and problem.message.startswith("not a date")


def test_a_float_start_date_does_not_build(tmp_path: Path) -> None:
    error = _build(tmp_path, minimal_event(event={"start": 1.5}))
    assert [p.key_path for p in error.problems] == ["event.start"]


def test_the_command_line_quotes_an_excerpt_of_a_bad_day_change(runner: Any,
                                                                tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(tmp_path / "s.json"), str(tmp_path / "out"),
                                 "--day-change", HUGE])
    assert result.exit_code == 2 and "--day-change: not a time of day" in result.stderr
    assert len(result.stderr) < 1000


def test_dates_and_date_text_are_dates(tmp_path: Path) -> None:
    for start in (dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 9, 30), "2024-03-05"):
        event = validate_data(minimal_event(event={"start": start}), tmp_path).event
        assert event.event.start in (dt.date(2024, 3, 5), dt.datetime(2024, 3, 5, 9, 30))


def test_a_scalar_in_a_text_field_is_the_text_yaml_would_read(tmp_path: Path) -> None:
    # As `phone: 401234` in event.yaml is the text "401234" (shape() keeps YAML's source).
    data = minimal_event(title=2024, subtitle=True, intro=1.5,
                         contacts=[{"name": "Ann", "phone": 401234}],
                         event={"start": "2024-03-05", "kind": dt.date(2024, 3, 5)})
    event = validate_data(data, tmp_path).event
    assert (event.title, event.subtitle, event.intro) == ("2024", "true", "1.5")
    assert event.contacts[0].phone == "401234"
    assert event.event.kind == "2024-03-05"


def test_numbers_are_not_dates_in_a_file_either(tmp_path: Path) -> None:
    for start in ("20240305", "1.5", '"0"'):
        (tmp_path / "event.yaml").write_text(f"title: T\nevent:\n  start: {start}\n",
                                             encoding="utf-8")
        with pytest.raises(InputError, match=r"event\.start: not a date"):
            validate_event(tmp_path)


@pytest.mark.parametrize("cyclic", ["mapping", "list", "deep"])
def test_data_that_contains_itself_is_an_input_error(tmp_path: Path, cyclic: str) -> None:
    data: dict[str, Any] = minimal_event()
    if cyclic == "mapping":
        data["event"]["venue"] = data
        where = "event.venue"
    elif cyclic == "list":
        talks: list[Any] = [{"title": "T"}]
        talks.append(talks)
        data["talks"] = talks
        where = "talks[1]"
    else:
        speakers: list[Any] = []
        data["talks"] = [{"title": "T", "speakers": speakers}]
        speakers.append({"name": "A", "role": data["talks"]})
        where = "talks[0].speakers[0].role"
    error = _invalid(data, tmp_path)
    assert [(p.key_path, p.message) for p in error.problems
            if "itself" in p.message] == [(where, "contains itself")]
    with pytest.raises(InputError, match="contains itself"):
        dokureport.build(data, io.BytesIO(), folder=tmp_path)


def test_nesting_and_sharing_are_bounded_as_in_a_file(tmp_path: Path) -> None:
    deep: Any = "x"
    for _ in range(10_000):
        deep = [deep]
    error = _invalid(minimal_event(intro=deep), tmp_path)
    assert any("nested too deeply" in p.message for p in error.problems)
    laughs: Any = ["lol"] * 10
    for _ in range(9):
        laughs = [laughs] * 10  # 10⁹ values, as a "billion laughs" file expands to
    error = _invalid(minimal_event(intro=laughs), tmp_path)
    assert "more than 100,000 values" in str(error)


class _Custom:
    def __repr__(self) -> str:
        return HUGE


@pytest.mark.parametrize(("value", "kind"), [
    ({1, 2}, "set"), (frozenset(), "frozenset"), (b"bytes", "bytes"),
    (bytearray(b"x"), "bytearray"), (_Custom(), "_Custom"), (1 + 2j, "complex"),
])
def test_no_other_python_objects(tmp_path: Path, value: Any, kind: str) -> None:
    error = _invalid(minimal_event(talks=[{"title": "T", "topic": value}]), tmp_path)
    [problem] = error.problems
    assert problem.key_path == "talks[0].topic" and kind in problem.message
    assert len(str(error)) < 1000


def test_keys_are_text_as_in_a_file(tmp_path: Path) -> None:
    error = _invalid({**minimal_event(), 5: "x", (1, 2): "y"}, tmp_path)
    assert sorted(p.message for p in error.problems) == [
        "a key must be plain text", "unknown key `5`; known keys here: format, lang, title, "
        "subtitle, event, organiser, intro, agenda, talks, photos, videos, contacts, chapters, "
        "partners, theme, labels, print, privacy"]


# --- messages: an excerpt, never the whole value ----------------------------------------

@pytest.mark.parametrize("data", [
    minimal_event(lang=HUGE),
    minimal_event(talks=[{"title": "T", "lang": HUGE}]),
    minimal_event(title=HUGE),
    minimal_event(event={"start": HUGE}),
    minimal_event(format=HUGE),
    minimal_event(theme=HUGE),
    minimal_event(title=10 ** 5000),
    minimal_event(labels={HUGE: HUGE}),
    {**minimal_event(), HUGE: HUGE},
], ids=["lang", "talk-lang", "title", "start", "format", "theme", "huge-int", "labels", "key"])
def test_a_10_mb_value_gives_a_short_message(tmp_path: Path, data: Any) -> None:
    error = _invalid(data, tmp_path)
    assert 0 < len(str(error)) < 1000


BIG = "x" * 4_000_000  # under the 5 MB an event.yaml may have: the checks see it


@pytest.mark.parametrize("data", [
    minimal_event(lang=BIG),
    minimal_event(talks=[{"title": "T", "lang": BIG}]),
    minimal_event(chapters=[{"title": "T", "text": "x", "lang": BIG}]),
    minimal_event(event={"start": BIG}),
    minimal_event(format=BIG),
    minimal_event(theme=BIG),
    minimal_event(theme={"extends": BIG}),
    minimal_event(labels={"agenda": BIG, BIG: "x"}),
    minimal_event(videos=[{"title": "T", "url": BIG}]),
    minimal_event(contacts=[{"name": "A", "email": BIG}]),
    minimal_event(photos={"items": [{"file": BIG}]}),
    minimal_event(agenda=[{"date": "2024-03-05", "items": [{"time": BIG, "title": "T"}]}]),
    {**minimal_event(), BIG: 1},
], ids=["lang", "talk-lang", "chapter-lang", "start", "format", "theme", "extends", "labels",
        "url", "email", "file", "time", "key"])
def test_a_4_mb_value_gives_a_short_message(tmp_path: Path, data: Any) -> None:
    error = _invalid(data, tmp_path)
    assert 0 < len(str(error)) < 1000


@pytest.mark.parametrize(("value", "says"), [
    (BIG, "lang: too long"),  # over the text limit (docs/validation.md, Limits)
    ("x" * 290, "lang: not a language Babel knows"),  # under the word limit: Babel says
], ids=["4-mb", "under-the-text-limit"])
def test_a_long_language_in_a_file_gives_a_short_message(tmp_path: Path, value: str,
                                                          says: str) -> None:
    (tmp_path / "event.yaml").write_text(f"title: T\nevent:\n  start: 2024-03-05\n"
                                         f"lang: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_event(tmp_path)
    assert says in str(caught.value)
    assert len(str(caught.value)) < 1000


def test_no_message_is_longer_than_a_short_excerpt() -> None:
    problem = Problem("x" * 10_000_000, key_path="a." * 1000)
    assert len(str(problem)) < 1000 and len(problem.message) < 1000
