"""The manual and the README say what the program does: every example runs as shown.

The manual is docs/, built by MkDocs with every warning an error. Every command example
that runs `dokureport`, in the manual and in the README, is a ```console block, run
here with its exit status and the key lines of its output checked; the `python` blocks
run too. The convention is in docs/development.md ("Examples that run"):

    $ dokureport validate my-event   # exit 2      a command; `# exit N`: its exit status
    error: event.yaml:3:3: event.start: required   key lines of its output, in order
    ...                                            any number of lines
    .../my-event/event.yaml: ...                   `...` in a line: any text

Each block runs in a fresh folder with copies of the sample event and a schedule
export, plus the files its page declares (a fenced block after `<!-- file: PATH -->`).
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import io
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from dokureport.cli import cli
from dokureport.core.errors import PROBLEM_CODES, ExitCode
from dokureport.core.resources import sample_event_dir
from tests.helpers import cli_runner

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = (README, *sorted(DOCS.glob("*.md")))
README_LIMIT = 8000  # bytes: what it is, a picture, the commands, a first event, links

# What every example's folder holds besides the files its page declares.
FIXTURES = {
    "events/duisburg-2019": sample_event_dir(),
    "my-event": sample_event_dir(),
    "events/werkstatt-2024": ROOT / "examples" / "werkstatt-2024",
    "schedule.json": ROOT / "tests" / "imports" / "frab_json" / "camp2019.json",
}

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
FILE_DIRECTIVE = re.compile(r"<!--\s*file:\s*(?P<path>\S+)\s*-->")
# A command line that runs dokureport, with or without a prompt and variables before it.
RUNS_DOKUREPORT = re.compile(r"^\s*(\$\s+)?([A-Za-z_]\w*=\S*\s+)*dokureport(\s|$)")
EXIT = re.compile(r"#\s*exit\s+(?P<status>\d+)\s*$")
# Blocks that show a command without running it: usage lines with placeholders, and
# Markdown source that demonstrates the convention itself.
NOT_RUN = {"synopsis", "markdown"}


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page == README else page.name


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    info: str  # the fence's info string: console, yaml, synopsis, …
    lines: tuple[tuple[int, str], ...]  # (line number, text) of its content
    file: str | None  # the path a `<!-- file: PATH -->` right above gives it

    @property
    def where(self) -> str:
        return f"{_name(self.page)}:{self.line}"

    @property
    def text(self) -> str:
        return "".join(f"{text}\n" for _, text in self.lines)


def fenced_blocks(page: Path) -> list[Block]:
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence = opening["fence"]
        closing = re.compile(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        start, body = i, []
        i += 1
        while i < len(lines) and not closing.match(lines[i]):
            body.append((i + 1, lines[i]))
            i += 1
        assert i < len(lines), f"{_name(page)}:{start + 1}: a fenced block is never closed"
        above = FILE_DIRECTIVE.fullmatch(lines[start - 1].strip()) if start else None
        blocks.append(Block(page, start + 1, opening["info"].strip(), tuple(body),
                            above["path"] if above else None))
        i += 1
    return blocks


@dataclass(frozen=True)
class Command:
    line: int
    text: str  # as written after the `$ `
    expected: tuple[str, ...]  # the key lines of its output

    @property
    def exit_status(self) -> int:
        match = EXIT.search(self.text)
        return int(match["status"]) if match else 0


def commands(block: Block) -> list[Command]:
    found: list[tuple[int, str, list[str]]] = []
    for number, text in block.lines:
        if text.startswith("$ "):
            found.append((number, text[2:].strip(), []))
        elif text.strip():
            assert found, f"{_name(block.page)}:{number}: output before the first `$ ` command"
            found[-1][2].append(text)
    return [Command(number, text, tuple(expected)) for number, text, expected in found]


@dataclass(frozen=True)
class Example:
    block: Block
    files: dict[str, str]  # path in the example's folder → content, from the page

    def __repr__(self) -> str:
        return f"Example({self.block.where})"

    @property
    def slow(self) -> bool:
        """A build with another theme converts that theme's fonts into the (empty) cache
        folder first: 2-3 s a theme. Every other example takes about a second."""
        return self.block.info == "console" and any(
            parse(c)[2][:2] == ["dokureport", "build"] and "--theme" in parse(c)[2]
            for c in commands(self.block))


def examples() -> list[Example]:
    found = []
    for page in PAGES:
        blocks = fenced_blocks(page)
        files = {b.file: b.text for b in blocks if b.file is not None}
        found += [Example(b, files) for b in blocks if b.info in ("console", "python")]
    return found


EXAMPLES = examples()


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _matches(expected: str, line: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in " ".join(expected.split()).split("..."))
    return re.fullmatch(pattern, line) is not None


def missing_lines(expected: tuple[str, ...], output: str) -> list[str]:
    """The first run of key lines not found in `output`, in order ([] if all are).

    Key lines between two `...` lines must be consecutive lines of the output."""
    runs: list[list[str]] = [[]]
    for line in expected:
        if " ".join(line.split()) == "...":
            runs.append([])
        else:
            runs[-1].append(line)
    got, at = _lines(output), 0
    for run in filter(None, runs):
        for start in range(at, len(got) - len(run) + 1):
            if all(_matches(want, got[start + k]) for k, want in enumerate(run)):
                at = start + len(run)
                break
        else:
            return run
    return []


def _expand(word: str) -> list[str]:
    return sorted(glob.glob(word)) or [word] if any(c in word for c in "*?[") else [word]


def parse(command: Command) -> tuple[dict[str, str], str | None, list[str]]:
    """(variables set before it, the file its standard output goes to, its words)."""
    words = shlex.split(command.text, comments=True)
    variables = {}
    while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        variables[name] = value
    stdout_to = None
    if ">" in words:
        at = words.index(">")
        stdout_to = words[at + 1]
        del words[at:at + 2]
    return variables, stdout_to, words


def run_command(command: Command, env: dict[str, str]) -> tuple[int, str, str]:
    """Run one command in the current folder: (exit status, output shown, traceback)."""
    variables, stdout_to, words = parse(command)
    program, *args = [expanded for word in words for expanded in _expand(word)]
    if program == "mkdir":
        for folder in args:
            if not folder.startswith("-"):
                Path(folder).mkdir(parents="-p" in args, exist_ok="-p" in args)
        return 0, "", ""
    assert program == "dokureport", f"an example runs dokureport or mkdir, not {program}"
    result = cli_runner().invoke(cli, args, env=env | variables)
    trace = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(*result.exc_info))
    if stdout_to is not None:
        Path(stdout_to).write_text(result.stdout, encoding="utf-8")
        return result.exit_code, result.stderr, trace
    return result.exit_code, result.output, trace


def _folder(path: Path, files: dict[str, str]) -> Path:
    for name, source in FIXTURES.items():
        if source.is_dir():
            shutil.copytree(source, path / name)
        else:
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, path / name)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for every example: the first build fills it, as a user's would."""
    return tmp_path_factory.mktemp("cache-home")


@pytest.mark.parametrize("example", [
    pytest.param(e, id=e.block.where, marks=[pytest.mark.slow] if e.slow else [])
    for e in EXAMPLES])
def test_example(example: Example, tmp_path: Path, cache_home: Path) -> None:
    block = example.block
    folder = _folder(tmp_path / "example", example.files)
    if block.info == "python":
        code = compile(block.text, block.where, "exec")
        with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()) as printed:
            try:
                exec(code, {"__name__": "__example__"})
            except SystemExit as exc:
                pytest.fail(f"{block.where}: exited with {exc.code}\n{printed.getvalue()}")
        return
    runs = commands(block)
    assert runs, f"{block.where}: a console block without a `$ ` command"
    env = {"XDG_CACHE_HOME": str(cache_home)}
    with contextlib.chdir(folder):
        for command in runs:
            where = f"{_name(block.page)}:{command.line}: $ {command.text}"
            status, shown, trace = run_command(command, env)
            assert status == command.exit_status, (
                f"{where}\nexit status {status}, the example says {command.exit_status}\n"
                f"{shown}{trace}")
            missing = missing_lines(command.expected, shown)
            assert not missing, (
                f"{where}\nthese lines are not in its output (in this order):\n"
                + "".join(f"    {line}\n" for line in missing) + f"its output:\n{shown}")


def test_the_examples_are_found() -> None:
    # The check above is only as good as what it finds: every page with commands counts.
    pages = {_name(e.block.page) for e in EXAMPLES}
    for page in ("README.md", "index.md", "command-line.md", "validation.md", "themes.md",
                 "import.md", "build-report.md", "printing.md", "event-format.md", "api.md"):
        assert page in pages
    assert sum(len(commands(e.block)) for e in EXAMPLES if e.block.info == "console") >= 30


def test_every_command_that_runs_dokureport_is_an_example() -> None:
    """No command hides in a ```sh block, where nothing would run it."""
    hidden = [f"{b.where}: {text}" for page in PAGES for b in fenced_blocks(page)
              if b.info not in {"console", "python", *NOT_RUN}
              for _, text in b.lines if RUNS_DOKUREPORT.match(text)]
    assert hidden == [], "make these ```console examples (or a ```synopsis of the usage)"


def test_a_console_block_holds_commands_only_after_a_prompt() -> None:
    for example in EXAMPLES:
        if example.block.info == "console":
            for command in commands(example.block):
                assert RUNS_DOKUREPORT.match(command.text) or command.text.startswith("mkdir "), \
                    f"{example.block.where}: {command.text}"


def test_the_key_lines_are_matched_as_documented() -> None:
    output = "first\nWrote   brochure.pdf (12 pages)\nwarning: x\nlast\n"
    assert missing_lines(("Wrote brochure.pdf (... pages)",), output) == []
    assert missing_lines(("first", "...", "last"), output) == []
    assert missing_lines(("first", "last"), output) == ["first", "last"]  # not consecutive
    assert missing_lines(("last", "...", "first"), output) == ["first"]  # not in order
    assert missing_lines(("Wrote brochure.pdf",), output) == ["Wrote brochure.pdf"]  # whole line


def _nav_pages() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    pages = []
    for entry in config["nav"]:
        (page,) = entry.values() if isinstance(entry, dict) else (entry,)
        pages.append(page)
    return pages


def test_every_page_is_in_the_nav() -> None:
    nav = _nav_pages()
    assert len(nav) == len(set(nav))
    assert sorted(nav) == sorted(p.name for p in DOCS.glob("*.md"))


def test_the_manual_builds_with_every_warning_an_error(tmp_path: Path) -> None:
    if importlib.util.find_spec("mkdocs") is None:
        pytest.fail("mkdocs is not installed; it is in the test extra: "
                    "pip install -e '.[test]' (python3 scripts/dev.py test installs it)")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    for page in _nav_pages():
        name = page.removesuffix(".md")
        html = site / ("index.html" if name == "index" else f"{name}/index.html")
        assert html.is_file(), page
    assert (site / "sample-pages.png").is_file()
    # A block after a `<!-- file: PATH -->` is still shown as code.
    assert '<code class="language-yaml">title: Fachtag' in (site / "index.html").read_text(
        encoding="utf-8")


def test_the_readme_is_short() -> None:
    size = len(README.read_bytes())
    assert size < README_LIMIT, f"README.md is {size} bytes; move the detail into docs/"


def test_the_readme_links_every_page() -> None:
    text = README.read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert f"(docs/{page.name})" in text, page.name


def _table(page: str, heading: str) -> list[list[str]]:
    """The rows of the first table under `heading` on a docs page, cells stripped."""
    text = (DOCS / page).read_text(encoding="utf-8").split(f"\n{heading}\n", 1)[1]
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # without the header and its rule


def test_the_problem_codes_are_the_programs() -> None:
    documented = {code.strip("`"): meaning.replace("`", "")
                  for code, meaning in _table("validation.md", "## Problem codes")}
    assert documented == PROBLEM_CODES


def test_every_exit_status_is_documented() -> None:
    documented = {int(status) for status, _ in _table("command-line.md", "## Exit status")}
    assert documented == {int(code) for code in ExitCode}
