"""Tables too wide for the page: refused beyond MAX_TABLE_COLUMNS at the text's key and line;
up to it set with narrower columns and smaller type, never below 7 pt (docs/contents.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dokureport.event.markdown import MAX_TABLE_COLUMNS, tables
from tests.test_hostile_input import lines_with, run_cli


def markdown_table(columns: int, rows: int = 3) -> str:
    """A table whose first column holds long text and the others short numbers."""
    head = "| " + " | ".join(["Messstelle"] + [f"S{i}" for i in range(2, columns + 1)]) + " |"
    rule = "|" + "|".join(["---"] * columns) + "|"
    body = ["| " + " | ".join([f"Messstelle am Rheinufer Nummer {r}"]
                              + [str(100 * r + c) for c in range(2, columns + 1)]) + " |"
            for r in range(1, rows + 1)]
    return "\n".join([head, rule, *body]) + "\n"


def _data_table(text: str, paper: str, theme_name: str | dict) -> object:
    from dokureport.assets import ImagePreparer
    from dokureport.core.options import BuildOptions
    from dokureport.design.theme import load_theme
    from dokureport.event.model import Event
    from dokureport.layout import markdown
    from dokureport.layout.context import LayoutContext

    event = Event.model_validate({"title": "Fachtag", "event": {"start": "2019-10-29"}})
    theme = load_theme(theme_name, Path("."))[0]
    with ImagePreparer(dpi=150) as images:
        ctx = LayoutContext(event=event, options=BuildOptions(paper=paper),  # type: ignore[arg-type]
                            images=images, build_date=dt.date(2024, 3, 5), theme=theme)
        (table,) = markdown.flowables(ctx, text)
        return ctx, table


@pytest.mark.parametrize("paper", ["a4", "letter", "a5"])
@pytest.mark.parametrize("theme", ["default", "classic", "bold"])
def test_the_widest_table_keeps_readable_columns(paper: str, theme: str) -> None:
    from dokureport.layout.markdown import TABLE_MIN_SIZE, TABLE_MIN_TEXT_EM

    ctx, table = _data_table(markdown_table(MAX_TABLE_COLUMNS), paper, theme)
    sizes = {cell.style.fontSize for row in table._cellvalues for cell in row}
    (size,) = sizes
    assert TABLE_MIN_SIZE <= size <= max(ctx.styles.small.fontSize, TABLE_MIN_SIZE)
    padding = table._cellStyles[0][0].leftPadding
    assert sum(table._colWidths) == pytest.approx(ctx.geometry.frame_width)
    assert min(table._colWidths) - 2 * padding >= TABLE_MIN_TEXT_EM * size - 1e-6
    table.wrap(ctx.geometry.frame_width, ctx.geometry.frame_height)  # no negative widths


def test_a_table_that_fits_is_set_as_before() -> None:
    ctx, table = _data_table(markdown_table(4), "a4", "default")
    assert {cell.style.fontSize for row in table._cellvalues for cell in row} == {
        ctx.styles.small.fontSize}
    assert table._cellStyles[0][0].leftPadding == 4


def test_with_wide_margins_the_type_shrinks_to_seven_point_and_no_further() -> None:
    # classic's small type on A5 is 8.2 pt; 35 mm margins leave 12 columns 18 pt each.
    theme = {"extends": "classic", "margins": {"inner": 50, "outer": 50}}
    ctx, table = _data_table(markdown_table(MAX_TABLE_COLUMNS), "a5", theme)
    assert ctx.styles.small.fontSize == 8.2
    assert {cell.style.fontSize for row in table._cellvalues for cell in row} == {7.0}
    assert table._colWidths == pytest.approx([ctx.geometry.frame_width / 12] * 12)


def test_a_theme_whose_scale_goes_below_seven_point_sets_tables_in_seven() -> None:
    ctx, table = _data_table(markdown_table(3), "a5", "bold")
    # The bold scale's small step on A5 is 6.5 pt: no type is set below type.min_size.
    assert ctx.geometry.body_size / ctx.geometry.scale < 7.0
    assert ctx.styles.small.fontSize == 7.0
    assert {cell.style.fontSize for row in table._cellvalues for cell in row} == {7.0}


def test_with_the_widest_margins_columns_still_hold_text() -> None:
    theme = {"margins": {"inner": 60, "outer": 60}}
    ctx, table = _data_table(markdown_table(MAX_TABLE_COLUMNS), "a5", theme)
    padding = table._cellStyles[0][0].leftPadding
    assert min(table._colWidths) - 2 * padding >= min(table._colWidths) / 2 - 1e-6
    table.wrap(ctx.geometry.frame_width, ctx.geometry.frame_height)


def test_past_validation_a_wider_table_is_too_large_not_a_crash() -> None:
    from reportlab.platypus.doctemplate import LayoutError

    ctx, flowable = _data_table(markdown_table(2000, rows=1), "a5", "default")
    with pytest.raises(LayoutError, match="2000 columns"):
        flowable.wrap(ctx.geometry.frame_width, ctx.geometry.frame_height)


def test_tables_are_found_with_their_line_and_columns() -> None:
    text = "Vorweg.\n\n" + markdown_table(3) + "\n- Liste\n\n  " + markdown_table(13).replace(
        "\n", "\n  ")
    assert [(t.line, t.columns) for t in tables(text)] == [(2, 3), (10, 13)]


def _event_with(folder: Path, intro: str) -> Path:
    """An event whose intro is `intro`, a block (`|`) starting on line 5 of event.yaml."""
    folder.mkdir()
    block = "".join(f"  {line}\n" if line else "\n" for line in intro.splitlines())
    (folder / "event.yaml").write_text(
        f"title: Fachtag\nevent:\n  start: 2019-10-29\nintro: |\n{block}", encoding="utf-8")
    return folder


def test_a_table_of_thirteen_columns_is_refused_at_its_line_in_event_yaml(
        tmp_path: Path) -> None:
    folder = _event_with(tmp_path / "event", "Die Werte:\n\n" + markdown_table(13))
    code, _, err = run_cli("validate", str(folder))
    assert code == 2, err
    assert lines_with("error: ", err) == [
        "event.yaml:7: intro: a table of 13 columns: at most 12 fit a page; split it into "
        "narrower tables, or turn it (a row per column)"]


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_twelve_columns_build_and_thirteen_are_refused(tmp_path: Path, paper: str) -> None:
    ok = _event_with(tmp_path / "ok", "Die Werte:\n\n" + markdown_table(12, rows=40))
    code, _, err = run_cli("build", str(ok), "-o", str(tmp_path / "ok.pdf"), "--paper", paper,
                           "--no-cache", "-q")
    assert code == 0, err
    wide = _event_with(tmp_path / "wide", "Die Werte:\n\n" + markdown_table(13))
    code, _, err = run_cli("build", str(wide), "-o", str(tmp_path / "wide.pdf"), "--paper",
                           paper, "--no-cache", "-q")
    assert code == 2 and "a table of 13 columns" in err, err
    assert not (tmp_path / "wide.pdf").exists()
