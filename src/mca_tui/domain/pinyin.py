"""Pinyin of organization names (拼音): the sort key and the initials used by search.

Readings are phrase-aware (pypinyin's phrase dictionary reads 厦门 as "xia men", where a
per-character table says "sha men"), and the alternative readings of polyphonic
characters (多音字) are kept as extra initials strings, so that a clerk who types the
"wrong" initials still finds the name (design.md §3). Computing pinyin is the slowest
step of indexing, so every function here is cached.

pypinyin is imported on first use, not with this module: its phrase dictionary takes about
0.2 s to load, and the storage layer (imported before the app can open its database and
show sign-in) imports this module (issue 12, "database ready").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import cast

from mca_tui.domain.text import normalize_name

__all__ = ["MAX_VARIANTS", "char_initials", "clear_name_caches", "index_terms", "initials",
           "initials_variants", "is_han", "sort_key"]

# At most this many initials strings are indexed per name (phrase reading first).
MAX_VARIANTS = 6

# Polyphonic characters common in organization names whose other readings are indexed
# as well (a rare reading of every character would only add noise to the index).
COMMON_POLYPHONES = frozenset("长重行厦乐藏单传调曾朝省解仇朴查盛翟便参降率校强薄称种还系"
                              "角度都觉舍血教和给露着假背泊缝模应")


def is_han(ch: str) -> bool:
    """A CJK unified ideograph (basic block, extension A, compatibility block)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


# the ranges of is_han, as a pattern splitting a name into runs (reindexing reads every name)
_HAN_RUN = re.compile("([\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]+)")


def _runs(name: str) -> list[tuple[bool, str]]:
    """Split into maximal runs of Han characters and of other characters."""
    # re.split with a group: other, Han, other, Han, ... (empty where a run is missing)
    return [(i % 2 == 1, part) for i, part in enumerate(_HAN_RUN.split(name)) if part]


def _per_char(chunk: str) -> list[str]:
    return ["" for _ in chunk]


# pypinyin's annotations say the ``errors`` callback returns a str; its code takes a list
# (one reading per character), which keeps the alignment with the characters.
_PER_CHAR = cast("Callable[[str], str]", _per_char)


@lru_cache(maxsize=1)
def _pypinyin() -> ModuleType:
    """pypinyin, loaded (with its dictionaries) the first time a reading is needed."""
    import pypinyin  # noqa: PLC0415 - deferred on purpose, see the module docstring

    return pypinyin


def preload() -> None:
    """Load the dictionaries now (the app calls this off the UI thread after start-up,
    so that the clerk's first search does not wait for them)."""
    _pypinyin()


@lru_cache(maxsize=200_000)
def _run_readings(run: str) -> tuple[str, ...]:
    """One reading per character of a Han run, phrase-aware; "" where unknown. Cached per
    run: names that differ only in digits or Latin letters ("…协会12") segment once."""
    pp = _pypinyin()
    style = pp.Style.NORMAL
    out = pp.lazy_pinyin(run, style=style, errors=_PER_CHAR)
    if len(out) != len(run):  # defensive: keep the alignment with the characters
        out = [(pp.lazy_pinyin(ch, style=style, errors=_PER_CHAR) or [""])[0] for ch in run]
    return tuple(s.lower() for s in out)


@lru_cache(maxsize=20_000)
def char_initials(ch: str) -> tuple[str, ...]:
    """Every initial letter a Han character can be read with (heteronyms)."""
    pp = _pypinyin()
    found = pp.pinyin(ch, style=pp.Style.FIRST_LETTER, heteronym=True, errors=_PER_CHAR)
    letters = [s.lower() for s in (found[0] if found else []) if s]
    return tuple(dict.fromkeys(letters))


@lru_cache(maxsize=20_000)
def char_readings(ch: str) -> frozenset[str]:
    """Every reading (without tones) of a Han character."""
    pp = _pypinyin()
    found = pp.pinyin(ch, style=pp.Style.NORMAL, heteronym=True, errors=_PER_CHAR)
    return frozenset(s.lower() for s in (found[0] if found else []) if s)


@lru_cache(maxsize=200_000)
def _readings(name: str) -> tuple[tuple[str, str], ...]:
    """(character, phrase-aware reading) for each Han or alphanumeric character of the
    normalised name; punctuation and spaces are dropped; letters and digits stand for
    themselves (lower-cased). Computed once per name for both sort key and initials."""
    out: list[tuple[str, str]] = []
    for han, run in _runs(normalize_name(name)):
        if han:
            out.extend(zip(run, _run_readings(run), strict=True))
        else:
            out.extend((ch, ch.lower()) for ch in run if ch.isalnum())
    return tuple(out)


def _tokens(readings: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(character, phrase-aware initial); an unknown Han character stands for itself."""
    return [(ch, r[:1] if r else ch) for ch, r in readings]


@lru_cache(maxsize=20_000)
def initials_variants(name: str) -> tuple[str, ...]:
    """Initials strings of ``name``: the phrase-aware reading first ("厦门市" -> "xms"), then
    the per-character reading and one variant per polyphonic character ("sms"), at most
    :data:`MAX_VARIANTS`, without duplicates."""
    return _variants(_readings(name))


# character -> its letter in the per-character reading, where that does not depend on the
# name (see _naive_letter); bounded by the character set
_NAIVE: dict[str, str] = {}


def _naive_letter(ch: str, letter: str) -> str:
    """The letter of ``ch`` in the per-character reading: a Han character's first
    initial, else the character's own letter (``letter``, its letter in the name)."""
    if is_han(ch):
        found = char_initials(ch)
        if not found:
            return letter  # no reading: stands for itself, not cached
        _NAIVE[ch] = found[0]
        return found[0]
    _NAIVE[ch] = letter  # (letters and digits: their own lower case, in every name)
    return letter


def _variants(readings: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    tokens = _tokens(readings)
    primary = "".join([i for _, i in tokens])
    variants = [primary]
    naive = "".join([_NAIVE.get(ch) or _naive_letter(ch, i) for ch, i in tokens])
    variants.append(naive)
    for pos, (ch, letter) in enumerate(tokens):
        if len(variants) >= MAX_VARIANTS * 2:
            break
        if ch not in COMMON_POLYPHONES:
            continue
        for alt in char_initials(ch):
            if alt != letter:
                variants.append(primary[:pos] + alt + primary[pos + 1:])
    unique = [v for v in dict.fromkeys(variants) if v]
    return tuple(unique[:MAX_VARIANTS])


def initials(name: str) -> str:
    """The phrase-aware initials ("厦门市海沧区社会工作者协会" -> "xmshcqshgzzxh")."""
    found = initials_variants(name)
    return found[0] if found else ""


@lru_cache(maxsize=20_000)
def sort_key(name: str) -> str:
    """Key to order names alphabetically by pinyin ("厦门市…" -> "xia men shi …");
    non-Chinese text keeps its place, lower-cased."""
    return _key_of(_readings(name))


def _readings_from_key(name: str, key: str) -> tuple[tuple[str, str], ...] | None:
    """The readings of ``name`` recovered from its stored sort key, or None when the key
    does not fit the name (stale, truncated, or from another version): each reading must
    be one the character can have, and the key built again from them must be the key."""
    if not key or len(key) >= 400:
        return None
    parts = key.split(" ")
    out: list[tuple[str, str]] = []
    runs = _runs(normalize_name(name))
    if len(runs) == 1 and runs[0][0]:
        # only Han characters (most names): one key part per character, and the key
        # built again from them is the parts joined, i.e. the key itself
        run = runs[0][1]
        if len(parts) != len(run):
            return None
        for ch, part in zip(run, parts, strict=True):
            if part != ch and part not in char_readings(ch):
                return None  # not a reading of this character: the key is stale
            out.append((ch, "" if part == ch else part))
        return tuple(out)
    i = 0
    for han, run in runs:
        if han:
            for ch in run:
                if i >= len(parts):
                    return None
                reading = "" if parts[i] == ch else parts[i]
                if reading and reading not in char_readings(ch):
                    return None  # not a reading of this character: the key is stale
                out.append((ch, reading))
                i += 1
        else:
            out.extend((ch, ch.lower()) for ch in run if ch.isalnum())
            if i < len(parts) and any(ch.isalnum() for ch in run):
                i += 1  # a word part; may be shared with the next run (checked below)
    found = tuple(out)
    return found if _key_of(found) == key else None


def index_terms(name: str, stored_key: str = "") -> tuple[str, tuple[str, ...]]:
    """(sort key, initials variants) of ``name``, as :func:`sort_key` and
    :func:`initials_variants` give them. With the organization's stored sort key, the
    readings are taken from it when it fits the name, which skips the phrase
    segmentation (the slowest step of rebuilding a search index)."""
    readings = _readings_from_key(name, stored_key) if stored_key else None
    if readings is None:
        return sort_key(name), initials_variants(name)
    return stored_key, _variants(readings)  # (_readings_from_key built the key again)


def _key_of(readings: tuple[tuple[str, str], ...]) -> str:
    parts: list[str] = []
    word = ""  # letters and digits of non-Chinese text stay together ("abc", "12")
    for ch, reading in readings:
        # (is_han inline: every character of every name passes here on a reindex)
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            if word:
                parts.append(word)
                word = ""
            parts.append(reading or ch)
        else:
            word += reading
    if word:
        parts.append(word)
    return " ".join(parts)[:400]


def clear_name_caches() -> None:
    """Forget the cached readings of whole names (a bulk import of many distinct names
    calls this between its parts: each name is computed once, and the caches, which hold
    up to 200,000 names, do not keep every name of the file in memory)."""
    for cached in (_readings, sort_key, initials_variants):
        cached.cache_clear()
