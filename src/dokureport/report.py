"""The machine-readable build result: one JSON document per build, validate or batch."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from dokureport.core.errors import ExitCode, Problem
from dokureport.core.version import __version__

REPORT_VERSION = 1
SCHEMA_FILE = "report_schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every report this version writes follows."""
    return json.loads((Path(__file__).parent / SCHEMA_FILE).read_text(encoding="utf-8"))


def problem_json(problem: Problem, severity: str) -> dict[str, Any]:
    """One problem, every part of its location apart, and the line a person reads."""
    return {
        "severity": severity,
        "code": problem.code,
        "key_path": problem.key_path or None,
        "file": str(problem.file) if problem.file is not None else None,
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
        "text": str(problem),
    }


def _file_facts(path: Path, read: Path | None = None) -> dict[str, Any]:
    data = (read or path).read_bytes()
    return {"path": str(path), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def pdf_pages_and_fonts(path: Path) -> tuple[int, set[str]]:
    """Page count and the fonts (without subset tags) the written PDF really uses."""
    import pikepdf

    fonts: set[str] = set()
    with pikepdf.open(path) as pdf:
        seen: set[tuple[int, int]] = set()

        def collect(resources: Any) -> None:
            if resources is None:
                return
            for font in (resources.get("/Font") or {}).values():
                name = str(font.get("/BaseFont", ""))
                if name:
                    # "ABCDEF+NotoSans-Regular" is a subset of NotoSans-Regular.
                    fonts.add(name.lstrip("/").split("+", 1)[-1])
            for xobject in (resources.get("/XObject") or {}).values():
                key = xobject.objgen
                if key in seen or xobject.get("/Subtype") != "/Form":
                    continue
                seen.add(key)
                collect(xobject.get("/Resources"))  # an imposed booklet's pages

        for page in pdf.pages:
            collect(page.obj.get("/Resources"))
        return len(pdf.pages), fonts


def build_report(*, command: str, source: Path | None, exit_code: int,
                 results: Sequence[Any] = (), errors: Iterable[Problem] = (),
                 warnings: Iterable[Problem] = (), notes: Iterable[Problem] = (),
                 withheld: Any = None, timings: Iterable[tuple[str, str | None, float]] = (),
                 located: Callable[[Path], Path] | None = None,
                 checks: Iterable[tuple[str, Any]] | None = None,
                 photo_texts: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The report of one build (or validation), from what the build got to do.

    `results` are build.BuildResult; a failed build writes no PDF and passes none, only
    its errors. `located` says where a written file's bytes are now, when the build
    has not renamed it into place yet. `checks`: each target's layout check
    (output.layout_check), by default the results'; a strict build that failed on its
    defects passes them from its trace.
    """
    outputs: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    photos: list[dict[str, Any]] = []
    fonts: set[str] = set()
    warnings = list(warnings)
    for result in results:
        files = [("brochure", result.output)]
        if result.booklet is not None:
            files.append(("booklet", result.booklet))
        for kind, path in files:
            where = located(path) if located is not None else path
            pages, used = pdf_pages_and_fonts(where)
            fonts |= used
            outputs.append({"target": result.target, "kind": kind,
                            **_file_facts(path, where), "pages": pages})
        sections += [{"target": result.target, "key": s.key, "title": s.title,
                      "first_page": s.first, "last_page": s.last} for s in result.sections]
        photos += [{"target": result.target, "file": str(p.file), "width_mm": p.width_mm,
                    "height_mm": p.height_mm, "width_px": p.width_px,
                    "height_px": p.height_px, "effective_dpi": p.effective_dpi}
                   for p in result.photos]
        warnings += result.warnings
    if checks is None:
        checks = [(r.target, r.layout) for r in results if getattr(r, "layout", None)]
    checks = list(checks)
    layout = [{"target": target, "kind": "brochure", **check.as_json()}
              for target, check in checks]
    errors = list(errors)
    # What a designer would reject is a warning (a strict build failed on it: an error).
    warnings += [p for _, check in checks for p in check.problems() if p not in errors]
    problems = [problem_json(p, "error") for p in errors]
    # Validation warnings come with every target: each once.
    problems += [problem_json(p, "warning") for p in dict.fromkeys(warnings)]
    problems += [problem_json(p, "note") for p in notes]
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "generator": f"dokureport {__version__}",
        "command": command,
        "source": str(source) if source is not None else None,
        "status": "ok" if exit_code == ExitCode.BUILT else "failed",
        "exit_code": int(exit_code),
        "outputs": outputs,
        "sections": sections,
        "problems": problems,
        "photos": photos,
        "photo_texts": list(photo_texts),
        "fonts": sorted(fonts),
        "withheld": _withheld_json(withheld),
        "layout": layout,
        "timings": [{"stage": stage, "target": target, "seconds": round(seconds, 4)}
                    for stage, target, seconds in timings],
    }
    return report


def photo_texts_json(photos: Any) -> list[dict[str, Any]]:
    """Where each photo's texts came from (`event.model.Photos`): the report's photo_texts."""
    out = []
    for i, photo in enumerate(photos.items):
        sources = photos.sources_of(i)
        out.append({"file": str(photo.file), "named": sources.named, "caption": sources.caption,
                    "credit": sources.credit, "alt": sources.alt, "title": sources.title})
    return out


def _withheld_json(withheld: Any) -> dict[str, Any]:
    if withheld is None:
        return {"count": 0, "talks": [], "photos": [], "contacts": [], "speaker_emails": 0}
    return {"count": withheld.count, "talks": list(withheld.talks),
            "photos": list(withheld.photos), "contacts": list(withheld.contacts),
            "speaker_emails": withheld.speaker_emails}


def report_text(report: dict[str, Any]) -> str:
    """The report as the JSON text written."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def write_report(report: dict[str, Any], destination: str | Path) -> None:
    """Write the report to a file (atomically) or, for "-", to standard output."""
    text = report_text(report)
    if str(destination) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from dokureport.output.write import atomic_output

    with atomic_output(Path(destination)) as temp:
        temp.write_text(text, encoding="utf-8")


def batch_report(outcomes: Sequence[Any], exit_code: int) -> dict[str, Any]:
    """The batch's own report: each event's status and where its full report is."""
    report = build_report(command="batch", source=None, exit_code=exit_code,
                          timings=[("event", str(o.source), o.seconds) for o in outcomes])
    report["outputs"] = [
        {"target": r.target, "kind": kind, **_file_facts(path), "pages": pages}
        for o in outcomes for r in o.results
        for kind, path, pages in (("brochure", r.output, r.pages),
                                  *((("booklet", r.booklet, r.sheet_sides),)
                                    if r.booklet is not None else ()))
    ]
    report["problems"] = [problem_json(p, "error") for o in outcomes for p in o.problems]
    report["events"] = [{
        "source": str(o.source),
        "status": "ok" if o.ok else "failed",
        "exit_code": o.exit_code,
        "report": str(o.report),
        "outputs": [str(r.output) for r in o.results],
        "problems": len(o.problems) + len({w for r in o.results for w in r.warnings}),
    } for o in outcomes]
    return report
