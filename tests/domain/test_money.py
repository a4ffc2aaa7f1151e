"""Money in integer fen, parsed exactly (design.md §3 "Storage")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mca_tui import i18n
from mca_tui.domain.money import (
    MAX_FEN,
    MoneyError,
    fen_to_yuan,
    format_fen,
    format_yuan_cn,
    parse_yuan,
    yuan_to_fen,
)


@pytest.fixture(autouse=True)
def _chinese():
    before = i18n.get_language()
    i18n.set_language("zh")
    yield
    i18n.set_language(before)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("30000", 3_000_000),
        ("30,000", 3_000_000),
        ("３００００", 3_000_000),
        ("３０，０００．００", 3_000_000),  # full-width comma and point
        ("30000.5", 3_000_050),
        ("29999.99", 2_999_999),
        ("3万", 3_000_000),
        ("3万元", 3_000_000),
        ("3.5万", 3_500_000),
        ("1.234567万", 1_234_567),  # 12,345.67 yuan
        ("30000元", 3_000_000),
        ("¥30000", 3_000_000),
        ("￥30,000.00", 3_000_000),
        ("人民币3万元", 3_000_000),
        ("RMB 1,234,567.89", 123_456_789),
        ("  30 000\u3000", 3_000_000),
        ("0", 0),
        ("0.01", 1),
        (".5", 50),
        ("1.230", 123),  # trailing zeros lose nothing
        (30000, 3_000_000),
        (0, 0),
        (Decimal("29999.99"), 2_999_999),
        (Decimal("1.10"), 110),
        (29999.99, 2_999_999),  # a spreadsheet float, read by its repr
        (0.1, 10),
    ],
)
def test_parse_yuan_accepts(value, fen):
    assert parse_yuan(value) == fen


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("1.234", "money.too_many_decimals"),
        ("0.001", "money.too_many_decimals"),
        ("1.2345678万", "money.too_many_decimals"),
        ("1.0000000000000000000000000000001", "money.too_many_decimals"),  # > 28 digits
        (Decimal("1E-100000"), "money.too_many_decimals"),
        (0.001, "money.too_many_decimals"),
        ("-5", "money.negative"),
        ("－5", "money.negative"),  # full-width minus
        ("\u22125", "money.negative"),  # minus sign
        ("¥-5", "money.negative"),
        ("-3万元", "money.negative"),
        (-1, "money.negative"),
        (Decimal("-0.01"), "money.negative"),
        ("abc", "money.invalid"),
        ("1,5", "money.invalid"),  # a decimal comma, not a thousands separator
        ("3,0000", "money.invalid"),
        ("1e5", "money.invalid"),
        ("1.2.3", "money.invalid"),
        ("NaN", "money.invalid"),
        ("3万万", "money.invalid"),
        ("元", "money.invalid"),
        ("-", "money.invalid"),
        (Decimal("NaN"), "money.invalid"),
        (float("inf"), "money.invalid"),
        (True, "money.invalid"),
        ("", "money.empty"),
        ("  \u3000", "money.empty"),
        (None, "money.empty"),
        ("99999999999999999", "money.too_large"),
        ("100000000000万", "money.too_large"),
        (Decimal("1E+100000"), "money.too_large"),
    ],
)
def test_parse_yuan_rejects(value, key):
    with pytest.raises(MoneyError) as err:
        parse_yuan(value)
    assert err.value.key == key


def test_parse_yuan_rejects_other_types():
    with pytest.raises(TypeError):
        parse_yuan([1])  # type: ignore[arg-type]


def test_max_fen_is_accepted():
    assert parse_yuan(Decimal(MAX_FEN) / 100) == MAX_FEN
    with pytest.raises(MoneyError):
        parse_yuan(Decimal(MAX_FEN + 1) / 100)


def test_money_error_carries_key_params_and_message():
    with pytest.raises(MoneyError) as err:
        parse_yuan(" abc ")
    e = err.value
    assert isinstance(e, ValueError)
    assert e.key == "money.invalid"
    assert e.params == {"text": "abc"}
    assert str(e) == i18n.t("money.invalid", "zh", text="abc")
    assert "「abc」" in str(e)
    assert "无法识别金额" in str(e)
    assert '"abc"' in e.message("en")


def test_money_error_messages_are_filled_in_both_languages():
    for bad in ("1.234", "-5", "abc", "", "99999999999999999"):
        with pytest.raises(MoneyError) as err:
            parse_yuan(bad)
        for lang in ("zh", "en"):
            text = err.value.message(lang)
            assert "{" not in text and "money." not in text
            if bad:
                assert bad in text


def test_negative_message_says_what_is_wrong():
    with pytest.raises(MoneyError) as err:
        parse_yuan("-5")
    assert "负数" in str(err.value)
    with pytest.raises(MoneyError) as err:
        parse_yuan("1.234")
    assert "2 位小数" in str(err.value)


@pytest.mark.parametrize(
    ("fen", "yuan", "wan"),
    [
        (3_000_000, "30,000.00", "3.00"),
        (2_999_999, "29,999.99", "2.999999"),
        (3_500_000, "35,000.00", "3.50"),
        (0, "0.00", "0.00"),
        (5, "0.05", "0.000005"),
        (123_456_789, "1,234,567.89", "123.456789"),
        (-150, "-1.50", "-0.00015"),
    ],
)
def test_format_fen(fen, yuan, wan):
    assert format_fen(fen) == yuan
    assert format_fen(fen, unit="yuan") == yuan
    assert format_fen(fen, unit="wan") == wan


def test_format_fen_rejects_unknown_unit():
    with pytest.raises(ValueError):
        format_fen(100, unit="dollar")


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (3_000_000, "3万元"),
        (3_500_000, "3.5万元"),
        (3_510_000, "3.51万元"),
        (120_000_000, "120万元"),
        (1_000_000_000_000, "1,000,000万元"),
        (3_012_345, "30,123.45元"),
        (3_001_200, "30,012元"),
        (500_000, "5,000元"),
        (5, "0.05元"),
        (0, "0元"),
        (-3_000_000, "-3万元"),
    ],
)
def test_format_yuan_cn(fen, text):
    assert format_yuan_cn(fen) == text


@pytest.mark.parametrize("fen", [0, 1, 99, 100, 2_999_999, 3_000_000, 123_456_789, MAX_FEN])
def test_round_trip(fen):
    assert parse_yuan(format_fen(fen)) == fen
    assert parse_yuan(format_fen(fen, "wan") + "万") == fen
    assert parse_yuan(format_yuan_cn(fen)) == fen
    assert parse_yuan(fen_to_yuan(fen)) == fen


def test_yuan_fen_helpers():
    assert yuan_to_fen(30_000) == 3_000_000
    assert yuan_to_fen(0) == 0
    assert fen_to_yuan(2_999_999) == Decimal("29999.99")
    assert str(fen_to_yuan(5)) == "0.05"
    assert fen_to_yuan(-150) == Decimal("-1.50")
    with pytest.raises(TypeError):
        yuan_to_fen(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        yuan_to_fen(True)
