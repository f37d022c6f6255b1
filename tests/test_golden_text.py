"""Events written before Markdown and chapters print the same text as they did then.

The references in tests/golden/text/ were made by dokureport before Markdown parsing
(the format-1 regular expression), with the sections of that time. The one reviewed
difference: `[link](https://example.org/a_(b))` now links the whole address, as
CommonMark reads balanced parentheses (it printed a stray "link)" before).
Regenerate on purpose with `--update-golden` and review `git diff tests/golden/`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dokureport.core.options import BuildOptions
from dokureport.core.resources import sample_event_dir
from dokureport.pipeline import build_brochure
from tests.helpers import pdftotext

GOLDEN = Path(__file__).parent / "golden" / "text"
CORPUS = Path(__file__).parent / "corpus"
EVENTS = {
    "duisburg-2019": sample_event_dir(),
    "valid-markup-payloads": CORPUS / "valid-markup-payloads",
    "valid-what-people-type": CORPUS / "valid-what-people-type",
    "valid-minimal": CORPUS / "valid-minimal",
}


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_an_event_from_before_markdown_prints_the_same_text(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1572350400")  # the imprint's build date
    out = tmp_path / f"{name}.pdf"
    build_brochure(EVENTS[name], out,
                   BuildOptions(theme=str(GOLDEN / "format1-sections.yaml"), jobs=1))
    text = pdftotext(out)
    reference = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-golden"):
        reference.write_text(text, encoding="utf-8")
    assert text == reference.read_text(encoding="utf-8")
