"""Statutory floors (domain.md §10.8): a setting may make a rule stricter, never looser;
a weaker value stops the start with the file, the key and the allowed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from mca_tui.config import SettingsError, load_settings, write_settings
from mca_tui.domain.params import STATUTORY_FLOORS, LegalParams


def test_defaults_respect_every_floor():
    assert LegalParams().floor_violations() == []
    assert set(STATUTORY_FLOORS) >= {
        "social_group_min_funds_yuan", "spot_check_min_ratio_percent",
        "hearing_request_working_days", "establishment_decision_days",
        "change_decision_working_days"}


@pytest.mark.parametrize(("key", "weaker", "stricter"), [
    ("social_group_min_funds_yuan", 29_999, 100_000),
    ("spot_check_min_ratio_percent", 2, 5),
    ("hearing_request_working_days", 4, 7),
    ("establishment_decision_days", 61, 45),
    ("change_decision_working_days", 21, 15),
])
def test_weaker_refused_stricter_allowed(key, weaker, stricter):
    [(k, value, floor)] = LegalParams(**{key: weaker}).floor_violations()
    assert (k, value) == (key, weaker)
    assert floor.article
    assert LegalParams(**{key: stricter}).floor_violations() == []


def test_a_period_of_zero_is_not_stricter():
    assert LegalParams(change_decision_working_days=0).floor_violations()


def test_hearing_window_is_not_the_statement_period():
    # the statement/defence period is UNCONFIRMED and free; the hearing window is statutory
    assert LegalParams(statement_defence_working_days=3).floor_violations() == []
    assert LegalParams(hearing_request_working_days=3).floor_violations()


def _file(tmp_path: Path, legal: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(f"[legal]\n{legal}\n", encoding="utf-8")
    return path


def test_load_refuses_a_weaker_setting_naming_file_key_and_allowed_values(tmp_path):
    path = _file(tmp_path, "social_group_min_funds_yuan = 10000\nspot_check_min_ratio_percent = 1")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    text = str(err.value)
    assert str(path) in text
    assert "legal.social_group_min_funds_yuan = 10000" in text and ">= 30000" in text
    assert "《社会团体登记管理条例》第十条" in text
    assert "legal.spot_check_min_ratio_percent = 1" in text and ">= 3" in text


def test_load_accepts_a_stricter_setting_and_the_written_defaults(tmp_path):
    path = _file(tmp_path, "social_group_min_funds_yuan = 50000\nchange_decision_working_days = 15")
    got = load_settings(path).legal
    assert (got.social_group_min_funds_yuan, got.change_decision_working_days) == (50_000, 15)
    written = write_settings(load_settings(tmp_path / "new.toml"), tmp_path / "again.toml")
    assert load_settings(written).legal == LegalParams()


def test_cli_stops_at_start_with_the_message(tmp_path, monkeypatch, capsys):
    from mca_tui.cli import main

    path = _file(tmp_path, "hearing_request_working_days = 3")
    monkeypatch.setenv("MCA_TUI_CONFIG", str(path))
    assert main(["check-code", "52350205MJ0000018D"]) == 2
    err = capsys.readouterr().err
    assert "legal.hearing_request_working_days = 3" in err and ">= 5" in err
