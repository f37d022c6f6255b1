"""A signal whose exception a finalizer swallowed still ends the command: no new file, and
the exit status of an interrupted build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dokureport.core import interrupts
from dokureport.core.interrupts import Terminated
from dokureport.output.write import atomic_output


class SignalsInItsFinalizer:
    """Sends SIGTERM to this process while it is being collected: Python runs the handler
    inside `__del__`, where the exception it raises is printed and lost."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # bytecode to run the handler at
            pass


def test_the_handlers_exception_is_lost_in_a_finalizer_but_check_raises_it() -> None:
    with interrupts.handled():
        SignalsInItsFinalizer()  # collected at once: the handler raises into nothing
        with pytest.raises(Terminated):
            interrupts.check()
        interrupts.check()  # raised once, then forgotten


def test_no_output_is_put_in_place_after_a_lost_signal(tmp_path: Path) -> None:
    target = tmp_path / "brochure.pdf"
    target.write_bytes(b"%PDF- the previous brochure")
    with interrupts.handled(), pytest.raises(Terminated), atomic_output(target) as temp:
        temp.write_bytes(b"%PDF- half a brochure")
        SignalsInItsFinalizer()
    assert target.read_bytes() == b"%PDF- the previous brochure"
    assert [p.name for p in tmp_path.iterdir()] == ["brochure.pdf"]


def test_a_command_that_lost_a_sigterm_exits_143_not_0(tmp_path: Path) -> None:
    # `dokureport schema` writes to standard output; a finalizer in the command swallows
    # the handler's exception, and the command line's edge raises it again.
    script = (
        "import os, signal, sys\n"
        "from dokureport import cli\n"
        "class Late:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        for _ in range(1000): pass\n"
        "original = cli._Group.invoke\n"
        "def invoke(self, ctx):\n"
        "    Late()\n"
        "    return original(self, ctx)\n"
        "cli._Group.invoke = invoke\n"
        "cli.main(['schema'])\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 143, run.stderr
    assert run.stderr == "dokureport: terminated (SIGTERM); nothing was written\n"
