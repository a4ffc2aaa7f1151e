"""Tokens of the organization search index shared by both engines (``storage.sqlite_search``
FTS5, ``storage.postgres_search`` tsvector) and the application search terms
(``storage.application_search``): what a text and a typed query are reduced to, so that
SQLite and PostgreSQL find the same rows.

- ``chars``: letters, digits and Han characters, NFKC and case-folded (one token each);
- ``grams``: overlapping ``GRAM``-letter grams of a code or of pinyin initials, one per
  position (shorter at the end);
- ``looks_like_code``: a query that can only be a fragment of a unified social credit
  code (统一社会信用代码, GB 32100: digits and capital letters without I, O, S, V, Z), at
  least ``CODE_MIN`` characters with a digit, is looked up in the code grams only: the
  digits of names and addresses are single-character tokens with very long posting lists,
  and a phrase of them is what made such a query slow;
- ``first_letters``: the pinyin initials the first character of a query can be read with,
  which bound the sort-key range of a name that begins with it.
"""

from __future__ import annotations

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_text

GRAM = 4
CODE_MIN = 4
# Characters of a unified social credit code, lower-cased (GB 32100 leaves out I O S V Z).
CODE_CHARS = frozenset("0123456789abcdefghjklmnpqrtuwxy")


def chars(s: str) -> str:
    """Letters, digits and Han characters of ``s``, NFKC and lower-cased."""
    return "".join(filter(str.isalnum, normalize_text(s).casefold()))


def spaced(s: str) -> str:
    """One token per character."""
    return " ".join(chars(s))


def grams(s: str) -> list[str]:
    """Overlapping GRAM-letter grams, one per position (shorter at the end)."""
    return [s[i:i + GRAM] for i in range(len(s))]


def query_grams(letters: str) -> list[str]:
    """The GRAM-grams a fragment longer than GRAM letters is the phrase of."""
    return [letters[j:j + GRAM] for j in range(len(letters) - GRAM + 1)]


def looks_like_code(c: str) -> bool:
    """``c`` (from :func:`chars`) can only be a credit-code fragment: searched in codes only."""
    return (len(c) >= CODE_MIN and c.isascii() and set(c) <= CODE_CHARS
            and any(ch.isdigit() for ch in c))


def first_letters(c: str) -> tuple[str, str] | None:
    """Sort-key bounds [lo, hi) of names beginning with ``c``: the letters its first
    character can be read with (厦 x or s, so x... and s... lie in [s, y))."""
    if not c:
        return None
    first = c[0]
    if first.isascii():
        letters: tuple[str, ...] = (first,)
    elif pinyin.is_han(first):
        letters = pinyin.char_initials(first)
    else:
        letters = ()
    return (min(letters), chr(ord(max(letters)) + 1)) if letters else None
