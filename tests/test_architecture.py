"""The package's layers hold: no import cycle, no upward import, reportlab's internals in
one package, and the early stages free of reportlab (docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "dokureport"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if pythonpath is not None:
        import os

        env = dict(os.environ, PYTHONPATH=str(pythonpath))
    assert LINT_IMPORTS.exists(), "import-linter is in the test extra: scripts/dev.py test"
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", run.stdout), run.stdout


@pytest.mark.slow
def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    # The same tree with one new arrow from the bottom layer to the top: CI must fail.
    shutil.copytree(PACKAGE, tmp_path / "src" / "dokureport",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "src" / "dokureport" / "core" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _late() -> None:\n"
                      "    from dokureport.layout import document  # noqa: F401\n")
    run = _lint_imports(tmp_path, tmp_path / "src")
    assert run.returncode != 0
    assert "dokureport.core is not allowed to import dokureport.layout" in run.stdout
    assert "dokureport.core.errors -> dokureport.layout.document" in run.stdout


@cache
def _graph() -> grimp.ImportGraph:
    # Every import counts, inside functions and under TYPE_CHECKING too.
    return grimp.build_graph("dokureport")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(
                        graph.find_modules_directly_imported_by(target)))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    assert _cycles(graph) == [["a.one", "a.three", "a.two"]]


@pytest.mark.parametrize("module", [
    "dokureport.validate", "dokureport.event.load", "dokureport.event.model",
    "dokureport.importers", "dokureport.core.errors", "dokureport",
])
def test_the_early_stages_load_no_reportlab_and_no_hyphenation(module: str) -> None:
    probe = (f"import sys, {module}\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pyphen'}))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]", f"import {module} loads {run.stdout.strip()}"


def test_importing_the_whole_package_changes_no_reportlab_state() -> None:
    probe = """
import pkgutil, importlib, dokureport
from reportlab.platypus import Paragraph, Frame
from reportlab.platypus.flowables import Flowable
from reportlab import rl_config
before = (vars(Paragraph)["breakLines"], vars(Flowable)["drawOn"], rl_config.useA85)
for info in pkgutil.walk_packages(dokureport.__path__, "dokureport."):
    if info.name != "dokureport.__main__":
        importlib.import_module(info.name)
after = (vars(Paragraph)["breakLines"], vars(Flowable)["drawOn"], rl_config.useA85)
print(before == after)
from dokureport import engine
engine.install()
once = (vars(Paragraph)["breakLines"], vars(Flowable)["drawOn"], rl_config.useA85)
engine.install()
print(once != before, once == (vars(Paragraph)["breakLines"], vars(Flowable)["drawOn"],
                               rl_config.useA85))
"""
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["True", "True", "True"]


# -- reportlab's internals: touched in dokureport.engine only --------------------------

@cache
def _reportlab_private_names(*classes: type) -> frozenset[str]:
    """Private attribute names (`._x`) that reportlab's source uses: all of it, or the
    source of the given reportlab classes."""
    import reportlab

    if classes:
        texts = [inspect.getsource(c) for c in classes]
    else:
        texts = [p.read_text(errors="replace")
                 for p in Path(reportlab.__file__).parent.rglob("*.py")]
    names = set()
    for text in texts:
        names.update(re.findall(r"\.(_[A-Za-z][A-Za-z0-9_]*)\b", text))
        names.update(re.findall(r"\bdef (_[A-Za-z][A-Za-z0-9_]*)\(", text))
    return frozenset(n for n in names if not n.startswith("__"))


def _reportlab_bases(cls: type) -> tuple[type, ...]:
    return tuple(c for c in cls.__mro__ if c.__module__.startswith("reportlab."))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _internals_touched(path: Path) -> list[str]:
    """Where a module outside the engine reaches into reportlab's private parts."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = importlib.import_module(_module_name(path))
    everywhere = _reportlab_private_names()
    reportlab_names: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
            for alias in node.names:
                reportlab_names.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reportlab"):
                    reportlab_names.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                base = target
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(target, ast.Attribute) and isinstance(base, ast.Name) \
                        and base.id in reportlab_names:
                    found.append(f"{path.name}:{node.lineno} patches {ast.unparse(target)}")
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") \
                or node.attr.startswith("__"):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id == "self") or _is_super(owner):
            continue  # judged per class below
        if node.attr in everywhere:
            found.append(f"{path.name}:{node.lineno} reads {ast.unparse(node)}")
    # Our subclasses of reportlab's classes: their private names are reportlab's own.
    for cls_node in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        cls = getattr(module, cls_node.name, None)
        bases = _reportlab_bases(cls) if isinstance(cls, type) else ()
        if not bases:
            continue
        theirs = _reportlab_private_names(*bases)
        for node in ast.walk(cls_node):
            if isinstance(node, ast.FunctionDef) and node.name in theirs:
                found.append(f"{path.name}:{node.lineno} overrides {node.name}")
            if isinstance(node, ast.Attribute) and node.attr in theirs and (
                    (isinstance(node.value, ast.Name) and node.value.id == "self")
                    or isinstance(node.value, ast.Call)):  # super()._x
                found.append(f"{path.name}:{node.lineno} uses {ast.unparse(node)}")
    return found


def _is_super(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "super"


def _outside_the_engine() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if "engine" not in p.relative_to(PACKAGE).parts and p.name != "__main__.py")


@pytest.mark.parametrize("path", _outside_the_engine(),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_reportlab_internals_are_touched_in_the_engine_only(path: Path) -> None:
    assert _internals_touched(path) == []


def test_the_internals_check_sees_a_private_read_and_a_patch(tmp_path: Path) -> None:
    # A module of the package's own (so it imports) written as a careless change would be.
    probe = PACKAGE / "layout" / "_probe_internals.py"
    probe.write_text(
        "from reportlab.platypus import Frame, Paragraph\n"
        "from reportlab.platypus.flowables import _listWrapOn\n\n\n"
        "class Draft(Frame):\n"
        "    def _add(self, flowable, canv, trySplit=0):\n"
        "        return super()._add(flowable, canv, trySplit)\n\n\n"
        "def font(canvas):\n"
        "    return canvas._fontname\n\n\n"
        "def patch():\n"
        "    Paragraph.breakLines = None\n", encoding="utf-8")
    try:
        found = _internals_touched(probe)
    finally:
        probe.unlink()
        sys.modules.pop("dokureport.layout._probe_internals", None)
    assert found == [
        "_probe_internals.py:2 imports _listWrapOn",
        "_probe_internals.py:15 patches Paragraph.breakLines",
        "_probe_internals.py:11 reads canvas._fontname",
        "_probe_internals.py:6 overrides _add",
        "_probe_internals.py:7 uses super()._add",
    ]


def test_what_the_engine_relies_on_is_still_in_reportlab() -> None:
    from dokureport import engine

    engine.check()  # raises RuntimeError naming what a reportlab upgrade moved
