"""Start-up: a registry already at head opens without Alembic (storage.schema_head), and
without pypinyin's dictionaries (loaded on first use, domain.pinyin)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from mca_tui.storage import schema_head
from mca_tui.storage.migrate import head_revision


def test_head_read_from_the_files_is_alembics_head():
    assert schema_head.head() == head_revision()


def test_at_head_only_when_the_revision_is_the_head(db):
    assert schema_head.at_head(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not schema_head.at_head(db.engine)


def test_opening_a_registry_at_head_imports_neither_alembic_nor_pypinyin(tmp_path):
    from mca_tui.storage.engine import Database

    path = tmp_path / "r.db"
    Database.open(path).dispose()  # created and migrated
    code = ("import sys; from mca_tui.storage.engine import Database; "
            f"Database.open({str(path)!r}).dispose(); "
            "print([m for m in ('alembic', 'pypinyin') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_pypinyin_is_loaded_by_the_first_reading_or_by_preload():
    code = ("import sys; from mca_tui.domain import pinyin; a = 'pypinyin' in sys.modules; "
            "k = pinyin.sort_key('厦门市'); b = 'pypinyin' in sys.modules; "
            "pinyin.preload(); print(a, b, k)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False True xia men shi"
