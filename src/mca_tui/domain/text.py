"""Text normalisation applied at the service boundary (design.md §3 "Input and display").

Input arrives through Chinese IMEs and copy-paste from web pages, Word and Excel, so it
carries full-width digits and letters, U+3000 ideographic spaces, non-breaking spaces and
zero-width characters. NFKC folds the compatibility forms (１ -> 1, Ａ -> A, U+3000 ->
space); the helpers below then strip what NFKC leaves behind.

Full-width *punctuation* (，：；（）！？ ...) is kept as typed: it is how Chinese is written,
and official documents print it. NFKC would turn "宗旨：服务，互助" into "宗旨:服务,互助".
Names put ASCII brackets into their full-width form, so "协会(筹)" and "协会（筹）" are the
same name. Codes and phone numbers keep only what they need anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DEFAULT_DIVISION_PREFIXES",
    "ORG_FORM_WORDS",
    "name_similarity_key",
    "normalize_code",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "normalize_value",
]

# Leading administrative-division words that do not distinguish two local organizations.
DEFAULT_DIVISION_PREFIXES: tuple[str, ...] = ("厦门市海沧区", "海沧区", "厦门市", "福建省", "海沧")

# Trailing organizational-form words (组织形式) removed by name_similarity_key; matched
# longest first, so 培训学校 wins over 学校 and 服务中心 over 中心.
ORG_FORM_WORDS: tuple[str, ...] = (
    "协会",
    "商会",
    "促进会",
    "联合会",
    "总会",
    "研究会",
    "学会",
    "基金会",
    "服务中心",
    "中心",
    "服务社",
    "社",
    "研究院",
    "院",
    "学校",
    "培训学校",
    "幼儿园",
    "俱乐部",
    "联谊会",
    "联盟",
    "服务站",
    "事务所",
)

# Dashes a clerk may type or paste inside a code ("50114439-5"). NFKC already maps the
# full-width hyphen-minus U+FF0D to "-"; the others survive NFKC.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")

# ASCII brackets and the CJK brackets NFKC leaves alone (【】〔〕〖〗《》〈〉「」『』).
_BRACKETS = frozenset(
    "()\uff08\uff09[]{}<>\u3010\u3011\u3014\u3015\u3016\u3017\u300a\u300b\u3008\u3009"
    "\u300c\u300d\u300e\u300f\u2985\u2986\uff5f\uff60"
)

# Extension markers in phone numbers, turned into "-" ("0592-1234567转801").
_PHONE_EXTENSION = re.compile(r"(?:转|分机|EXT\.?|X|#)", re.IGNORECASE)


# Full-width punctuation of the U+FF01-U+FF5E block, kept out of NFKC.
_CJK_PUNCTUATION = frozenset(chr(c) for c in range(0xFF01, 0xFF5F) if not chr(c).isalnum())
_ASCII_TO_FULLWIDTH_BRACKETS = str.maketrans("()", "\uff08\uff09")


def _nfkc_keep_punctuation(s: str) -> str:
    """NFKC everything but full-width punctuation (runs are normalised together so that
    combining sequences still compose)."""
    if _CJK_PUNCTUATION.isdisjoint(s):  # the common case: one NFKC of the whole text
        return unicodedata.normalize("NFKC", s)
    parts: list[str] = []
    run: list[str] = []
    for ch in s:
        if ch in _CJK_PUNCTUATION:
            parts.append(unicodedata.normalize("NFKC", "".join(run)))
            parts.append(ch)
            run = []
        else:
            run.append(ch)
    parts.append(unicodedata.normalize("NFKC", "".join(run)))
    return "".join(parts)


def _clean(s: str, *, keep_punctuation: bool = True) -> str:
    """NFKC (full-width punctuation kept unless ``keep_punctuation`` is False), every
    whitespace character -> " ", other control/format characters (zero-width space, BOM,
    soft hyphen, bidi marks) removed."""
    out = []
    folded = _nfkc_keep_punctuation(s) if keep_punctuation else unicodedata.normalize("NFKC", s)
    if folded.isprintable():
        # no control or format character, and no whitespace but " " (str.isprintable:
        # categories C* and Z* other than the ASCII space are not printable): as is
        return folded
    for ch in folded:
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def normalize_text(s: str | None) -> str:
    """NFKC, trimmed, runs of whitespace (U+3000, tabs, newlines included) -> one space."""
    if not s:
        return ""
    return " ".join(_clean(s).split())


def normalize_value(s: str | None) -> str:
    """A number, amount, count or date as typed: normalize_text with full-width
    punctuation folded too (「３０，０００．００」 -> "30,000.00", 「２０２２／３／５」 ->
    "2022/3/5")."""
    if not s:
        return ""
    return " ".join(_clean(s, keep_punctuation=False).split())


def normalize_code(s: str | None) -> str:
    """Canonical form of a code (USCC, organization code, ID number): NFKC, upper-case,
    without any whitespace or hyphen/dash."""
    if not s:
        return ""
    joined = "".join(ch for ch in _clean(s, keep_punctuation=False).upper()
                     if not ch.isspace() and ch not in _DASHES)
    # removing a space can join a letter and a combining mark ("Y¯" -> "Y\u0304"):
    # compose again so that the result is its own normal form
    return unicodedata.normalize("NFC", joined).upper()


def normalize_name(s: str | None) -> str:
    """An organization or person name: normalize_text without any space (Chinese names
    contain none; stray spaces come from IMEs and pasted text), round brackets in their
    full-width form as official names print them."""
    # NFC: a removed space may have separated a letter from a combining mark
    return unicodedata.normalize("NFC", normalize_text(s).replace(" ", "")).translate(
        _ASCII_TO_FULLWIDTH_BRACKETS)


def normalize_phone(s: str | None) -> str:
    """Digits, "+" and "-" only; an extension marker (转, 分机, ext, x, #) becomes "-"."""
    if not s:
        return ""
    text = _PHONE_EXTENSION.sub("-", _clean(s, keep_punctuation=False))
    kept = "".join(ch for ch in text if ch in "0123456789+-")
    return re.sub(r"-{2,}", "-", kept).strip("-")


def _strip_brackets(s: str) -> str:
    return "".join(ch for ch in s if ch not in _BRACKETS)


def name_similarity_key(
    name: str | None, division_prefixes: Iterable[str] = DEFAULT_DIVISION_PREFIXES
) -> str:
    """Key under which two organization names count as "similar".

    "厦门市海沧区（新阳）老年人协会" and "海沧区新阳老年人服务中心" share the key "新阳老年人":
    brackets are dropped (their text kept), leading division names are stripped, then one
    trailing organizational-form word, each time the longest match; a match that is all
    that is left of the name is kept ("海沧区" and "协会" stay as they are).
    """
    key = _strip_brackets(normalize_name(name)).casefold()
    prefixes = sorted(
        {_strip_brackets(normalize_name(p)).casefold() for p in division_prefixes} - {""},
        key=len,
        reverse=True,
    )
    # Repeat so that "福建省厦门市海沧区…" loses all three levels.
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if key.startswith(prefix):
                # The longest match decides, even when it is the whole name ("海沧区"
                # stays "海沧区" rather than losing "海沧" and becoming "区").
                if len(key) > len(prefix):
                    key = key[len(prefix) :]
                    stripped = True
                break
    for word in sorted(ORG_FORM_WORDS, key=len, reverse=True):
        if key.endswith(word):
            if len(key) > len(word):
                key = key[: -len(word)]
            break
    return key
