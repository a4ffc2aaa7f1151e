"""Wrong targets get one clear line, exit status 2, no traceback, and nothing is written
(issue 13): a missing file is not created by a command, only by the app's first start or
``mca-tui init``; a directory, an empty, truncated or non-SQLite file, another application's
SQLite database and a registry from a newer version are each refused and named."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mca_tui import cli, config

pytestmark = pytest.mark.sqlite_only


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _no_traceback_logged() -> None:
    log = config.log_dir() / "mca-tui.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8")


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.db"
    assert cli.main(["--db", str(path), "init"]) == 0
    conn = sqlite3.connect(path)
    conn.execute("pragma wal_checkpoint(truncate)")  # the file alone holds the registry
    conn.close()
    return path


@pytest.mark.parametrize("command", [["stats", "--year", "2022"], ["audit", "verify"],
                                     ["search", "海沧"], ["export", "x.xlsx"],
                                     ["backup", "b.db"], ["user", "list"]])
def test_a_missing_file_is_not_created_by_a_command(tmp_path, capsys, monkeypatch, command):
    missing = tmp_path / "nowhere" / "registry.db"
    out_file = tmp_path / "x.xlsx"
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--db", str(missing), *command]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(missing) in err[0] and "mca-tui init" in err[0]
    assert not missing.exists() and not missing.parent.exists() and not out_file.exists()
    _no_traceback_logged()


def test_init_creates_the_registry_and_says_so_again(tmp_path, capsys):
    path = tmp_path / "new" / "registry.db"
    assert cli.main(["--lang", "en", "--db", str(path), "init"]) == 0
    assert "Created a new registry" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "--db", str(path), "stats", "--year", "2022", "--json"]) == 0
    capsys.readouterr()
    assert cli.main(["--lang", "en", "--db", str(path), "init"]) == 0
    assert "already exists" in capsys.readouterr().out


def _make_cases(tmp_path: Path, registry: Path) -> dict[str, Path]:
    cases: dict[str, Path] = {}
    folder = tmp_path / "folder.db"
    folder.mkdir()
    cases["directory"] = folder
    text = tmp_path / "notes.db"
    text.write_text("name,code\n海沧区茶文化研究会,5135\n", encoding="utf-8")
    cases["not_sqlite"] = text
    empty = tmp_path / "empty.db"
    empty.touch()
    cases["empty"] = empty
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(registry.read_bytes()[: 4096 * 3])
    cases["truncated"] = truncated
    foreign = tmp_path / "other-app.db"
    conn = sqlite3.connect(foreign)
    conn.execute("create table customers (id integer primary key, name text)")
    conn.execute("insert into customers (name) values ('x')")
    conn.commit()
    conn.close()
    cases["foreign"] = foreign
    newer = tmp_path / "newer.db"
    newer.write_bytes(registry.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("update alembic_version set version_num = '0999_from_the_future'")
    conn.commit()
    conn.execute("pragma journal_mode=delete")
    conn.close()
    cases["newer"] = newer
    return cases


EXPECTED = {"directory": "folder", "not_sqlite": "not an SQLite", "empty": "empty file",
            "truncated": "truncated", "foreign": "another application",
            "newer": "newer version"}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
@pytest.mark.parametrize("command", [["stats", "--year", "2022"], ["audit", "verify"],
                                     ["init"]])
def test_each_wrong_target_is_named_in_one_line_and_left_unchanged(
        tmp_path, registry, capsys, kind, command):
    target = _make_cases(tmp_path, registry)[kind]
    before = _digest(target) if target.is_file() else None
    assert cli.main(["--lang", "en", "--db", str(target), *command]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1, captured.err
    assert EXPECTED[kind] in err[0] and str(target) in err[0]
    assert "Traceback" not in captured.out + captured.err
    if before is not None:
        assert _digest(target) == before
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-journal").exists()
    _no_traceback_logged()


def test_the_app_refuses_a_wrong_target_before_starting(tmp_path, capsys, registry):
    foreign = _make_cases(tmp_path, registry)["foreign"]
    before = _digest(foreign)
    assert cli.main(["--lang", "en", "--db", str(foreign)]) == 2  # no command: the UI
    assert "another application" in capsys.readouterr().err
    assert _digest(foreign) == before


def test_a_real_process_prints_one_line_and_exits_2(tmp_path):
    target = tmp_path / "plain.txt"
    target.write_text("hello\n", encoding="utf-8")
    env = {**os.environ, "MCA_TUI_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "mca_tui", "--lang", "en", "--db", str(target),
                           "stats", "--year", "2022"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert "not an SQLite" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not Path(
    "/usr/bin/setpriv").exists(), reason="needs root to act as another OS user")
def test_a_reader_who_may_not_write_opens_read_only_and_leaves_nothing_behind(tmp_path,
                                                                             registry):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "registry.db"
    target.write_bytes(registry.read_bytes())
    for p in (tmp_path, shared):
        p.chmod(0o755)
    target.chmod(0o644)
    home = Path("/tmp") / f"mca-h16-{os.getpid()}"
    home.mkdir(mode=0o777, exist_ok=True)
    home.chmod(0o777)
    base = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            "env", f"MCA_TUI_HOME={home}", sys.executable, "-m", "mca_tui", "--lang", "en",
            "--db", str(target)]
    tmp_parents = [p for p in tmp_path.parents if str(p).startswith("/tmp")]
    modes = {p: p.stat().st_mode for p in tmp_parents}
    try:
        for p in tmp_parents:
            p.chmod(p.stat().st_mode | 0o005)
        proc = subprocess.run([*base, "stats", "--year", "2022", "--json"], capture_output=True,
                              text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        assert '"year": 2022' in proc.stdout
        assert sorted(p.name for p in shared.iterdir()) == ["registry.db"]
        # the owner writes on, unhindered
        assert cli.main(["--db", str(target), "calendar", "complete", "2027"]) == 0
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_export_does_not_overwrite_unless_forced(tmp_path, registry, capsys):
    out = tmp_path / "out.csv"
    out.write_text("keep me\n", encoding="utf-8")
    assert cli.main(["--lang", "en", "--db", str(registry), "export", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert cli.main(["--db", str(registry), "export", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8-sig") != "keep me\n"


def test_output_piped_into_head_ends_quietly(tmp_path):
    codes = " ".join(["52350205MJ0000018D"] * 5000)  # far more than a pipe buffer holds
    env = {**os.environ, "MCA_TUI_HOME": str(tmp_path / "home")}
    proc = subprocess.run(f"{sys.executable} -m mca_tui check-code {codes} | head -n 1",
                          shell=True, capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert proc.stdout.count("\n") == 1
    assert proc.stderr == "", proc.stderr
