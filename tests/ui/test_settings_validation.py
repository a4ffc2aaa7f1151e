"""Settings of the terminal UI: a wrong type or an impossible value is refused at start
with the file, the key and the allowed values, in one plain line (exit code 2)."""

from __future__ import annotations

import pytest

from mca_tui.cli import main
from mca_tui.config import Settings, SettingsError, load_settings, write_settings


def _with_ui(tmp_path, line: str):  # noqa: ANN001, ANN202
    path = write_settings(Settings(), tmp_path / "settings.toml")
    text = path.read_text(encoding="utf-8")
    key = line.split("=")[0].strip()
    lines = [x for x in text.splitlines() if not x.startswith(f"{key} =")]
    at = lines.index("[ui]") + 1
    lines.insert(at, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "allowed"), [
    ("idle_lock_minutes = 0.1", "1 至 1440"),
    ("idle_lock_minutes = -5", "1 至 1440"),
    ("idle_lock_minutes = \"15\"", "1 至 1440"),
    ("idle_lock_minutes = true", "1 至 1440"),
    ("max_failed_sign_ins = 0", "1 至 100"),
    ("sign_in_wait_seconds = 2.5", "1 至 86400"),
    ("theme = \"dark\"", "high-contrast"),
    ("language = \"fr\"", "\"en\""),
])
def test_impossible_ui_values_are_refused_with_file_key_and_allowed(tmp_path, line, allowed):
    path = _with_ui(tmp_path, line)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    message = str(err.value)
    key = line.split("=")[0].strip()
    assert str(path) in message and f"ui.{key}" in message and allowed in message
    assert "\n" not in message  # one line


def test_unknown_ui_key_is_named(tmp_path):
    path = _with_ui(tmp_path, "idle_lock = 5")
    with pytest.raises(SettingsError, match="ui.idle_lock"):
        load_settings(path)


def test_good_values_load(tmp_path):
    path = _with_ui(tmp_path, "idle_lock_minutes = 0")
    assert load_settings(path).ui.idle_lock_minutes == 0
    path = _with_ui(tmp_path, "idle_lock_minutes = 30")
    assert load_settings(path).ui.idle_lock_minutes == 30


def test_the_command_stops_with_exit_code_2(tmp_path, capsys):
    path = _with_ui(tmp_path, "idle_lock_minutes = 0.1")
    assert main(["--config", str(path), "user", "list"]) == 2
    err = capsys.readouterr().err.strip()
    assert "ui.idle_lock_minutes" in err and "0.1" in err and str(path) in err
    assert len(err.splitlines()) == 1
