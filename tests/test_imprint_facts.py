"""The imprint's facts (title, kind, dates, venue, credits) are paragraphs of their own:
lines of facts, however long, are no running text for the layout check's measure."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import minimal_event
from tests.helpers import invoke, pdftotext

# A date range with times, as long as the sample's: 79 characters on one line.
EVENT = minimal_event(event={"start": "2019-10-29T12:00", "end": "2019-10-31T12:45",
                             "kind": "Großstadtnetzwerk",
                             "venue": {"name": "Landschaftspark Duisburg-Nord",
                                       "address": ["Emscherstraße 71", "47137 Duisburg"]}},
                      organiser={"name": "Deutsche Kinder- und Jugendstiftung"})
DATES = "Dienstag, 29. Oktober 2019, 12:00 Uhr – Donnerstag, 31. Oktober 2019, 12:45 Uhr"


def test_a_long_date_line_in_the_imprint_is_no_long_body_line(make_event,
                                                              tmp_path: Path) -> None:
    out, report = tmp_path / "out.pdf", tmp_path / "report.json"
    code, _, err = invoke("build", str(make_event(EVENT)), "-o", str(out),
                          "--report", str(report))
    assert code == 0, err
    lines = [line.strip() for line in pdftotext(out, "-layout").splitlines()]
    assert DATES in lines and len(DATES) > 75  # on one line of its own, over the bound
    [check] = json.loads(report.read_text(encoding="utf-8"))["layout"]
    assert check["summary"]["long_line_pages"] == []
    assert "characters" not in err
    # Its page has no running text at all: each fact is a one-line paragraph.
    [page] = [p for p in check["pages"] if p["page"] == len(check["pages"])]
    assert page["body_lines"] == 0 and page["lines"] >= 6
