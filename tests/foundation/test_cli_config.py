"""The installed command line and the settings file."""

from __future__ import annotations

import getpass
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mca_tui import __version__
from mca_tui.cli import main
from mca_tui.config import Settings, load_settings, resolve_db, write_settings
from mca_tui.domain.params import LegalParams

EXE = shutil.which("mca-tui", path=str(Path(sys.executable).parent)) or "mca-tui"


def _run(*args: str, stdin: str | None = None, env: dict | None = None):
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_version_from_installed_command():
    out = _run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"mca-tui {__version__}"


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "mca_tui", "--version"], capture_output=True,
                         text=True, check=True)
    assert __version__ in out.stdout


def test_check_code_explains_and_sets_exit_status():
    ok = _run("check-code", "５１３１０１１０５０１１４４３９５Ｕ", "52350205MJ0000018D")
    assert ok.returncode == 0
    assert "有效" in ok.stdout and "社会团体" in ok.stdout and "民办非企业单位" in ok.stdout
    bad = _run("check-code", "51310110501144395U", "91350100 M0001TGQXM")
    assert bad.returncode == 1
    assert "第 18 位应为 1" in bad.stdout
    en = _run("--lang", "en", "check-code", "11010519491231002x", "51310110501144395")
    assert en.returncode == 1 and "valid" in en.stdout and "18" in en.stdout


def test_user_commands_act_as_the_os_user(tmp_path):
    db = tmp_path / "cli.db"
    assert _run("--db", str(db), "init").returncode == 0  # commands never create a registry
    add = _run("--db", str(db), "user", "add", "chen", "--name", "陈八", "--role", "clerk",
               "--role", "reviewer", "--password-stdin", stdin="long-enough-pw\n")
    assert add.returncode == 0, add.stderr
    listing = _run("--db", str(db), "user", "list")
    assert "chen" in listing.stdout and "窗口受理" in listing.stdout and "审核" in listing.stdout
    short = _run("--db", str(db), "user", "passwd", "chen", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "10" in short.stderr
    assert _run("--db", str(db), "user", "disable", "chen").returncode == 0
    assert "已停用" in _run("--db", str(db), "user", "list").stdout
    raw = sqlite3.connect(db)
    kinds = {r[0] for r in raw.execute("select actor_kind from audit_event")}
    names = {r[0] for r in raw.execute("select actor_name from audit_event")}
    assert kinds == {"os"} and names == {"system:setup", f"os:{getpass.getuser()}"}
    assert _run("--db", str(db), "audit", "verify").returncode == 0


def test_db_from_environment_and_url(tmp_path):
    db = tmp_path / "env.db"
    assert _run("init", env={"MCA_TUI_DB": str(db)}).returncode == 0
    out = _run("user", "list", env={"MCA_TUI_DB": str(db)})
    assert out.returncode == 0 and db.exists()
    url_db = tmp_path / "url.db"
    assert _run("--db", f"sqlite:///{url_db}", "init").returncode == 0
    assert _run("--db", f"sqlite:///{url_db}", "user", "list").returncode == 0
    assert url_db.exists()


def test_resolve_db_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("MCA_TUI_DB", "/x/env.db")
    assert resolve_db("/x/cli.db") == "/x/cli.db"
    assert resolve_db(None) == "/x/env.db"
    monkeypatch.delenv("MCA_TUI_DB")
    assert resolve_db(None).endswith("registry.db")
    assert resolve_db("/x/cli.db", demo=True).endswith("demo.db")


def test_settings_file_written_with_defaults_and_comments(tmp_path):
    path = tmp_path / "settings.toml"
    settings = load_settings(path)
    text = path.read_text(encoding="utf-8")
    assert settings == Settings()
    assert "announcement_service_days = 30" in text and "民事诉讼法第九十五条" in text
    assert "350205004" in text and "东孚街道" in text
    for name in LegalParams.__dataclass_fields__:
        assert f"{name} =" in text


def test_settings_edit_is_read_back(tmp_path):
    path = tmp_path / "settings.toml"
    write_settings(Settings(), path)
    text = path.read_text(encoding="utf-8").replace("announcement_service_days = 30",
                                                    "announcement_service_days = 60")
    path.write_text(text, encoding="utf-8")
    assert load_settings(path).legal.announcement_service_days == 60


def test_broken_settings_file_gives_a_plain_message(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[office\nname=", encoding="utf-8")
    assert main(["--config", str(bad), "user", "list"]) == 2
    assert "设置文件有误" in capsys.readouterr().err


def test_unexpected_errors_go_to_the_log(tmp_path, monkeypatch, capsys):
    import mca_tui.commands.user as user_cmd

    def boom(rt):
        raise ZeroDivisionError("bad")

    monkeypatch.setattr(user_cmd, "run_list", boom)
    assert main(["--db", str(tmp_path / "x.db"), "user", "list"]) == 2
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "mca-tui.log" in err
    log = Path(os.environ["MCA_TUI_HOME"]) / "log" / "mca-tui.log"
    assert "Traceback" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_is_translated(lang, capsys):
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--help"])
    out = capsys.readouterr().out
    assert ("社会组织" in out) == (lang == "zh")


def test_boolean_parameters_and_office_phone_round_trip(tmp_path):
    path = tmp_path / "settings.toml"
    write_settings(Settings(), path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("hearing_for_revocation = true", "hearing_for_revocation = false")
    text = text.replace('phone = ""', 'phone = "0592-6012345"')
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.legal.hearing_for_revocation is False
    assert loaded.legal.hearing_for_suspension is True
    assert loaded.office.phone == "0592-6012345"
    assert LegalParams.from_mapping({"notice_before_listing": "false"}).notice_before_listing \
        is False
