"""An event.yaml is read only inside its folder, and no message quotes more than a short
excerpt of a file that is not an event."""

from __future__ import annotations

from pathlib import Path

import pytest

from dokureport.core.errors import InputError
from dokureport.validate import validate_event
from tests.test_hostile_input import run_cli

PASSWD = "root:x:0:0:root:/root:/bin/bash\n" + "".join(
    f"user{i}:x:{1000 + i}:{1000 + i}:User {i}:/home/user{i}:/bin/sh\n" for i in range(20))


def _linked_event(tmp_path: Path, text: str) -> Path:
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_text(text, encoding="utf-8")
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "event.yaml").symlink_to(secret)
    return folder


def _messages(folder: Path, **kwargs: bool) -> list[str]:
    with pytest.raises(InputError) as info:
        validate_event(folder, **kwargs)
    return [str(p) for p in info.value.problems]


def test_an_event_yaml_linked_from_outside_is_refused_unread(tmp_path: Path) -> None:
    folder = _linked_event(tmp_path, PASSWD)
    assert _messages(folder) == [
        "event.yaml: is a symbolic link that leads outside its folder; only files inside "
        "the event folder are read (--allow-outside lifts this)"]
    code, _, err = run_cli("validate", str(folder))
    assert code == 2 and "root" not in err and "leads outside its folder" in err
    code, _, err = run_cli("build", str(folder), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "root" not in err and not (tmp_path / "x.pdf").exists()


def test_allowed_outside_a_file_that_is_no_event_is_not_quoted(tmp_path: Path) -> None:
    folder = _linked_event(tmp_path, PASSWD)
    [message] = _messages(folder, allow_outside=True)
    assert "root" not in message and "/bin" not in message
    assert message.endswith(f"not one text of {len(PASSWD) - 1:,} characters")


def test_a_link_to_a_file_inside_the_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "event"
    (folder / "versions").mkdir(parents=True)
    (folder / "versions" / "v2.yaml").write_text("title: x\nevent: {start: 2019-10-29}\n")
    (folder / "event.yaml").symlink_to(folder / "versions" / "v2.yaml")
    assert validate_event(folder).event.title == "x"


def test_long_keys_and_values_are_quoted_as_short_excerpts(tmp_path: Path) -> None:
    key, value = "k" * 300, "v" * 300
    (tmp_path / "event.yaml").write_text(
        f'{key}: 1\ntitle: x\nevent: {{start: "{value}"}}\nsubtitle: {{{key}: 2}}\n')
    messages = _messages(tmp_path)
    assert len(messages) == 3
    for message in messages:
        assert "k" * 41 not in message and "v" * 41 not in message, message
