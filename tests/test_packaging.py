"""The installed package carries what it needs: its dependencies, fonts and the sample event."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
import zipfile
from importlib import metadata
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
    from dokureport.text.fonts import _FALLBACK_FILES

    # Every font of the bundled fallback chain, its bold weights too.
    for regular, bold, _ in _FALLBACK_FILES.values():
        for font in filter(None, (regular, bold)):
            assert f"dokureport/_fonts/{font}" in names
    assert "dokureport/_sample/event.yaml" in names
    assert sum(n.startswith("dokureport/_sample/photos/") for n in names) == 9


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_requirements(extra: str | None = None) -> set[str]:
    """The runtime dependencies' names; with `extra`, that extra's too."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + (
        project["optional-dependencies"][extra] if extra else [])
    return {_canonical(re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0])
            for req in requirements}


# The queue's entry modules, which only the `queue` extra's install can import.
QUEUE = ROOT / "src" / "dokureport" / "queue"


def _third_party_imports(folder: Path = ROOT / "src", skip: Path | None = None
                         ) -> dict[str, str]:
    """Top-level modules that src/ imports, beyond the standard library: module → where."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and path.is_relative_to(skip):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "dokureport" and top not in sys.stdlib_module_names:
                    found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_module_the_package_imports_is_a_declared_runtime_dependency() -> None:
    # A module only the test extra installs broke a fresh clone's first command once
    # (pikepdf), while CI, which installs the test extra, stayed green.
    declared = _runtime_requirements()
    owners = metadata.packages_distributions()
    undeclared = {
        module: where for module, where in _third_party_imports(skip=QUEUE).items()
        if not {_canonical(d) for d in owners.get(module, [])} & declared
    }
    assert undeclared == {}, "imported, but not in [project] dependencies"
    # The queue's modules may import what the queue extra brings, and only that beyond.
    with_queue = _runtime_requirements("queue")
    undeclared = {
        module: where for module, where in _third_party_imports(QUEUE).items()
        if not {_canonical(d) for d in owners.get(module, [])} & with_queue
    }
    assert undeclared == {}, "imported by dokureport.queue, but not in the queue extra"


def test_the_import_check_sees_the_imports_it_must() -> None:
    # The check above is only as good as what it finds: it must see these.
    imports = _third_party_imports()
    for module in ("reportlab", "PIL", "yaml", "click", "pydantic", "pikepdf"):
        assert module in imports
    assert "pytest" not in imports and "pdfplumber" not in imports
