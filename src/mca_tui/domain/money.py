"""Money as integer fen (分, 1 yuan = 100 fen).

SQLite stores Decimal/NUMERIC as floating point (design.md §3 "Storage"), so amounts
(活动资金, 开办资金, 原始基金, fines) live as int fen everywhere; parsing goes through
Decimal and never through float arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from mca_tui.domain.text import normalize_value
from mca_tui.i18n import t

__all__ = [
    "FEN_PER_YUAN",
    "MAX_FEN",
    "MESSAGE_KEYS",
    "MoneyError",
    "fen_to_yuan",
    "format_fen",
    "format_yuan_cn",
    "parse_yuan",
    "yuan_to_fen",
]

FEN_PER_YUAN = 100
FEN_PER_WAN = 10_000 * FEN_PER_YUAN
# 10^13 yuan: far above any plausible amount, far below SQLite's int64 limit. Typing fen
# into a yuan field is the realistic way to get here.
MAX_FEN = 10**15

MESSAGE_KEYS = (
    "money.empty",
    "money.invalid",
    "money.negative",
    "money.too_many_decimals",
    "money.too_large",
)

_PREFIXES = ("人民币", "RMB", "CNY", "¥")  # "￥" (U+FFE5) becomes "¥" under NFKC
_MINUS_SIGNS = ("-", "\u2212")  # NFKC maps the full-width "－" to "-"
# Plain digits, or digits grouped by three with commas, then at most one fraction.
_NUMBER = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|\.\d+")


class MoneyError(ValueError):
    """An amount that cannot be accepted. ``key``/``params`` name the catalog message;
    ``str()`` renders it in the current language (Chinese by default)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


def yuan_to_fen(yuan: int) -> int:
    """Whole yuan -> fen (for parameters such as LegalParams.social_group_min_funds_yuan)."""
    if isinstance(yuan, bool) or not isinstance(yuan, int):
        raise TypeError(f"yuan_to_fen expects an int, got {type(yuan).__name__}")
    return yuan * FEN_PER_YUAN


def fen_to_yuan(fen: int) -> Decimal:
    """Exact yuan amount of ``fen``, with two decimal places."""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return Decimal(f"{'-' if fen < 0 else ''}{yuan}.{cents:02d}")


def _to_fen(amount: Decimal, text: str) -> int:
    """Exact yuan -> fen conversion on the digits themselves: Decimal arithmetic would
    round beyond 28 significant digits and overflow on huge exponents."""
    if not amount.is_finite():
        raise MoneyError("money.invalid", text=text)
    if amount.is_zero():
        return 0
    if amount.is_signed():
        raise MoneyError("money.negative", text=text)
    if amount.adjusted() > len(str(MAX_FEN)):
        raise MoneyError("money.too_large", text=text)
    _, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite amounts have an int exponent
        raise MoneyError("money.invalid", text=text)
    coefficient = int("".join(map(str, digits)))
    exponent += 2  # yuan -> fen
    fen: int
    if exponent >= 0:
        fen = coefficient * 10**exponent
    elif -exponent > len(digits):  # below one fen and not zero
        raise MoneyError("money.too_many_decimals", text=text)
    else:
        fen, rest = divmod(coefficient, 10**-exponent)
        if rest:
            raise MoneyError("money.too_many_decimals", text=text)
    if fen > MAX_FEN:
        raise MoneyError("money.too_large", text=text)
    return fen


def parse_yuan(value: str | int | Decimal | float | None) -> int:
    """An amount in yuan, as typed by a clerk or read from a spreadsheet -> int fen.

    Accepts "30000", "30,000", "３００００", "30000.5", "¥30000", "30000元", "3万", "3.5万元",
    "人民币3万元". Rejects empty input, negatives, fractions of a fen ("1.234") and anything
    else, with a MoneyError. Trailing zeros are fine ("1.230" is 1.23 yuan).
    """
    if value is None:
        raise MoneyError("money.empty")
    if isinstance(value, bool):
        raise MoneyError("money.invalid", text=str(value))
    if isinstance(value, int):
        return _to_fen(Decimal(value), str(value))
    if isinstance(value, float):
        # Spreadsheet cells arrive as floats: use their shortest repr ("29999.99"),
        # which is what the user typed, instead of the binary value.
        return _to_fen(Decimal(repr(value)), repr(value))
    if isinstance(value, Decimal):
        return _to_fen(value, str(value))
    if not isinstance(value, str):
        raise TypeError(f"parse_yuan expects str, int or Decimal, got {type(value).__name__}")

    shown = normalize_value(value)
    text = shown.replace(" ", "")
    if not text:
        raise MoneyError("money.empty")
    negative = text.startswith(_MINUS_SIGNS)
    if negative:
        text = text[1:]
    for prefix in _PREFIXES:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :]
            break
    if not negative and text.startswith(_MINUS_SIGNS):  # "¥-5"
        negative, text = True, text[1:]
    text = text.removesuffix("元")
    wan = text.endswith("万")
    if wan:
        text = text[:-1]
    if not _NUMBER.fullmatch(text):
        raise MoneyError("money.invalid", text=shown)
    if negative:
        raise MoneyError("money.negative", text=shown)
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        raise MoneyError("money.invalid", text=shown) from None
    if wan:  # shift the exponent rather than multiply, so nothing is ever rounded
        sign, digits, exponent = amount.as_tuple()
        assert isinstance(exponent, int)  # the regex admits only finite numbers
        amount = Decimal((sign, digits, exponent + 4))
    return _to_fen(amount, shown)


def _group(n: int) -> str:
    return f"{n:,}"


def format_fen(fen: int, unit: str = "yuan") -> str:
    """Format fen for display: unit "yuan" -> "30,000.00"; unit "wan" (万元) -> "3.00",
    "2.999999" (exact: as many decimals as needed, at least two)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if unit == "yuan":
        yuan, cents = divmod(fen, FEN_PER_YUAN)
        return f"{sign}{_group(yuan)}.{cents:02d}"
    if unit == "wan":
        wan, rest = divmod(fen, FEN_PER_WAN)
        decimals = f"{rest:06d}".rstrip("0").ljust(2, "0")
        return f"{sign}{_group(wan)}.{decimals}"
    raise ValueError(f"unknown unit {unit!r} (use 'yuan' or 'wan')")


def format_yuan_cn(fen: int) -> str:
    """Chinese-style amount: "3万元", "3.5万元" from 10,000 yuan up when that is exact to
    two decimals of 万, otherwise "30,123元" / "30,123.45元"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if fen >= FEN_PER_WAN and fen % (FEN_PER_WAN // 100) == 0:
        wan = format_fen(fen, "wan").rstrip("0").rstrip(".")
        return f"{sign}{wan}万元"
    yuan, cents = divmod(fen, FEN_PER_YUAN)
    if cents:
        return f"{sign}{_group(yuan)}.{cents:02d}元"
    return f"{sign}{_group(yuan)}元"
