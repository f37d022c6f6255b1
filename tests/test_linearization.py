"""The screen PDF is linearized (fast web view), reproducibly; the print PDF is not."""

from __future__ import annotations

import io
import logging
import re
import subprocess
from pathlib import Path

import pikepdf

from dokureport.output.reproducible import set_content_id
from tests.conftest import minimal_event

PHOTOS = ("01.jpg", "02.jpg", "03.jpg", "04.jpg", "05.jpg", "06.jpg")

# qpdf before 12.4.2 (Debian's CLI) files a Link annotation that the structure tree also
# reaches (OBJR) under "objects not associated with pages"; pikepdf's libqpdf 12.4.2, like
# the PDF reference (F.2.7), keeps it with the one page that uses it. The old checker then
# counts that page's annotations out of the page's hint entry, and nothing else differs.
# No file satisfies both: the sample re-linearized by libqpdf 12.4.1 (pikepdf 10.14) passes
# qpdf 11.3's check and fails 12.4.2's, with a count mismatch on eight of its pages.
_COUNT = re.compile(r"WARNING: .*: object count mismatch for page (\d+): "
                    r"hint table = (\d+); computed = (\d+)")


def assert_qpdf_accepts(path: Path, option: str = "--check-linearization") -> None:
    """qpdf's CLI (`--check` or `--check-linearization`) finds nothing, or disagrees only
    about each page's link annotations (see above)."""
    with pikepdf.open(path) as pdf:
        annotations = [len(page.obj.get("/Annots", ())) for page in pdf.pages]
    run = subprocess.run(["qpdf", option, str(path)], capture_output=True, text=True)
    assert run.returncode in (0, 3), run.stdout + run.stderr
    if run.returncode == 0:
        return
    for line in run.stderr.splitlines():
        if line.startswith("qpdf: operation succeeded with warnings"):
            continue
        found = _COUNT.fullmatch(line)
        assert found, line
        page, hinted, computed = map(int, found.groups())
        assert hinted - computed == annotations[page] > 0, line


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.text = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.text += record.getMessage()


def run_qpdf_job(*args: str) -> tuple[int, str]:
    """qpdf's own command line (QPDFJob) in the libqpdf that pikepdf brings and writes
    with: `qpdf ARGS` as qpdf 12.4.2 runs it. Its exit code and what it printed."""
    logger = logging.getLogger("pikepdf._core")  # where pikepdf sends qpdf's output
    lines, level = _Lines(), logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    try:
        job = pikepdf.Job(["qpdf", *args])
        job.run()
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)
    return job.exit_code, lines.text


def assert_linearized(path: Path) -> None:
    """`qpdf --check-linearization` finds nothing in the qpdf that wrote the file, nor does
    pikepdf's check; nor does Debian's older qpdf CLI, but for the above."""
    code, printed = run_qpdf_job("--check-linearization", str(path))
    assert (code, printed.strip()) == (0, f"{path}: no linearization errors"), printed
    with pikepdf.open(path) as pdf:
        assert pdf.is_linearized
        assert pdf.check_linearization(stream=io.StringIO()), pdf.get_warnings()
        assert pdf.get_warnings() == []
    run = subprocess.run(["qpdf", "--check-linearization", str(path)], capture_output=True,
                         text=True)
    if run.returncode == 0:
        assert "no linearization errors" in run.stdout
    assert_qpdf_accepts(path)


def test_sample_screen_pdf_is_linearized(sample_pdf: Path) -> None:
    assert_linearized(sample_pdf)


def test_gallery_event_screen_pdf_is_linearized(make_event, build) -> None:
    items = [{"file": f"photos/{PHOTOS[n % 6]}", "alt": f"Foto {n + 1}",
              "caption": f"Bildunterschrift {n + 1}"} for n in range(18)]
    event = minimal_event(photos={"credit": "© Test", "items": items},
                          intro="Mehr unter [example.org](https://example.org).")
    out, result = build(make_event(event, PHOTOS))
    assert result.pages >= 3
    assert_linearized(out)
    with pikepdf.open(out) as pdf:
        # A link past the first page is where the two qpdf versions part ways.
        assert any("/Annots" in page.obj for page in pdf.pages[1:]), "the test needs a link"


def test_both_trailers_carry_the_content_id(sample_pdf: Path, tmp_path: Path) -> None:
    data = sample_pdf.read_bytes()
    ids = re.findall(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]", data)
    # First-page trailer and main trailer, each with the same two halves.
    assert len(ids) == 2 and len({i for pair in ids for i in pair}) == 1
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(data)
    # The ID is a digest of the file with its IDs zeroed: recomputing it changes nothing.
    assert set_content_id(copy) == ids[0][0].decode()
    assert copy.read_bytes() == data


def test_print_pdf_is_not_linearized(make_event, build) -> None:
    out, _ = build(make_event(minimal_event()), target="print")
    with pikepdf.open(out) as pdf:
        assert not pdf.is_linearized


def test_qpdfs_check_fails_a_file_that_is_not_linearized(make_event, build) -> None:
    out, _ = build(make_event(minimal_event()), target="print")
    code, printed = run_qpdf_job("--check-linearization", str(out))
    assert "no linearization errors" not in printed
    assert "not linearized" in printed and code == 0  # qpdf reports it and succeeds
