#!/usr/bin/env python3
"""Set up and run dokureport from a fresh clone with nothing but Python.

    python3 scripts/dev.py sample   # install, then build the sample brochure (brochure.pdf)
    python3 scripts/dev.py test     # install with test tools, then lint and run every test
    python3 scripts/dev.py docs     # install with test tools, then build the manual (build/site/)

Each command creates `.venv/` on first use and installs what it needs, Debian
packages included (poppler-utils, qpdf and zbar-tools, which the tests use to read
PDFs and their QR codes; redis-server, for the queue's workers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
DEBIAN_PACKAGES = {
    "pdftoppm": "poppler-utils", "pdffonts": "poppler-utils", "qpdf": "qpdf",
    "zbarimg": "zbar-tools",  # reads the QR codes back from rendered pages
    "redis-server": "redis-server",  # the queue's tests run real workers on a real Redis
}


def run(*cmd: str | Path, **kw: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


def ensure_venv(extras: str = "") -> None:
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extras}]" if extras else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-e", target)


def ensure_debian_packages() -> None:
    missing = sorted({pkg for tool, pkg in DEBIAN_PACKAGES.items() if not shutil.which(tool)})
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", *missing, env=env)


def sample() -> int:
    ensure_venv()
    run(BIN / "dokureport", "build", "-o", ROOT / "brochure.pdf")
    return 0


def test() -> int:
    ensure_venv("test")
    ensure_debian_packages()
    run(BIN / "ruff", "check", ".")
    # pytest's own summary line closes the run; its exit status is ours.
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *sys.argv[2:]],
                          cwd=ROOT).returncode


def docs() -> int:
    ensure_venv("test")
    # mkdocs.yml: docs/ into build/site/; --strict makes every warning (a broken link or
    # anchor, a page missing from the nav) an error.
    run(BIN / "mkdocs", "build", "--strict", "--clean")
    print(f"dev.py: the manual is in {ROOT / 'build' / 'site' / 'index.html'}")
    return 0


def main() -> int:
    commands = {"sample": sample, "test": test, "docs": docs}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return commands[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: {' '.join(map(str, exc.cmd))} failed with exit status {exc.returncode}",
              file=sys.stderr)
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
