"""Text is never markup: script links and HTML in text print literally; only
`[text](http…)` and `[text](mailto:…)` become links."""

from __future__ import annotations

import pikepdf

from dokureport.validate import validate_event
from tests.conftest import minimal_event, squash
from tests.helpers import pdftotext

ABSTRACT = ("Warum eine javascript:alert(1) URL noch wirkt: <script>alert(1)</script> "
            "und data:text/html,x oder file:///etc/passwd.")
INTRO = ("Siehe [Skript](javascript:alert(1)), [Datei](file:///etc/passwd), "
         "[Daten](data:text/html;base64,PHNjcmlwdD4=) und [Web](https://example.org/a).")


def _event() -> dict:
    return minimal_event(
        title="Sicher mit javascript: und <b>HTML</b>", intro=INTRO,
        agenda=[{"date": "2024-03-05", "items": [{"time": "09:00", "title": "x", "talk": "t"}]}],
        talks=[{"id": "t", "title": "Vortrag", "abstract": ABSTRACT}])


def _uris(out) -> list[str]:
    with pikepdf.open(out) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots") or []
                if "/A" in annot and "/URI" in annot.A]


def test_text_that_mentions_script_links_builds_and_prints_literally(make_event, build) -> None:
    out, _ = build(make_event(_event()))
    text = pdftotext(out)
    for typed in (ABSTRACT, "[Skript](javascript:alert(1))", "[Datei](file:///etc/passwd)",
                  "[Daten](data:text/html;base64,PHNjcmlwdD4=)", "<b>HTML</b>"):
        assert squash(typed) in squash(text), typed
    assert _uris(out) == ["https://example.org/a"]
    assert not any(u.split(":")[0].lower() in ("javascript", "file", "data") for u in _uris(out))
    assert "[Web]" not in text and "Web" in text


def test_an_unlinked_text_link_is_a_warning_with_key_path_and_line(make_event) -> None:
    folder = make_event(_event())
    lines = (folder / "event.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("intro:"))
    result = validate_event(folder)
    warnings = [str(w) for w in result.warnings]
    assert [w for w in warnings if "not linked" in w] == [
        f"event.yaml:{line}:8: intro: the link {shown} is printed as typed, not linked: "
        "only http(s) and mailto: links are linked"
        for shown in ["'[Skript](javascript:alert(1)'", "'[Datei](file:///etc/passwd)'",
                      "'[Daten](data:text/html;base64,PHNjcmlwdD4=)'"]]


def test_link_fields_still_refuse_other_schemes(make_event) -> None:
    import pytest

    from dokureport.core.errors import InputError

    event = minimal_event(videos=[{"title": "v", "url": "javascript:alert(1)"}],
                          talks=[{"title": "t", "slides": "data:text/html,x"}],
                          contacts=[{"name": "n", "email": "javascript:alert(1)"}])
    with pytest.raises(InputError) as info:
        validate_event(make_event(event))
    refused = {p.key_path for p in info.value.problems}
    assert refused == {"videos[0].url", "talks[0].slides", "contacts[0].email"}
