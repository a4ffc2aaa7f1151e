"""SQLite-SPECIFIC search index of organizations (FTS5). Only used when the database is
SQLite; ``storage.search`` chooses between this module and plain SQL. The index is
written by ``storage.sqlite_search_write`` (row numbers in pinyin order, the rebuild).

Why this layout (design.md §3): the FTS5 trigram tokenizer finds nothing for 1- and
2-character queries, and ``LIKE`` against a trigram table silently returns nothing for
Chinese on SQLite 3.40. So Chinese text is stored with ONE CHARACTER PER TOKEN
("海 沧 区 社 工") under the ``unicode61`` tokenizer and a query is matched as a phrase of
its characters ("海沧" -> ``"海 沧"``): any substring of any length is found.

Columns of ``organization_fts`` (rowid = ``organization.search_rowid``):
- ``py`` (first: FTS5 writes no column header for the first column's postings, and this
  column has the most): the pinyin initials of the name (domain.pinyin: the phrase-aware
  reading first, then alternative readings of polyphonic characters) as overlapping
  4-letter grams, one per position (``xmsh mshc shcq``), each reading after a separator
  (a lone ``MARK``) so that no phrase runs from one reading into the next, the first one
  led by its start mark (``MARK`` + its first 3 letters); then the SHORT FRAGMENTS: every
  distinct 1- to 3-character fragment of the code and every distinct 1- to 3-letter
  fragment (letters only) of the readings, with the start marks of 1 and 2 characters
  of the code and of the first reading, each led by ``FRAG`` (a term of its own, not the
  1-character token of a name). A query of 4 letters is the gram itself, a
  longer one the phrase of its grams (``"hcqs cqsg"``), a shorter one a fragment; each
  is one posting list, and no query is a prefix query (FTS5 prefix indexes, which
  revision 0023_search_layout dropped, held every 1-character token of names and
  addresses and every gram a second to fourth time: two thirds of the index).
- ``name``, ``rep`` (legal representative), ``addr`` (domicile): one token per character,
  the name led by its start mark (``MARK`` + first character, see ``MARK``);
- ``code``: the lower-cased USCC as overlapping 4-character grams led by its start mark,
  like the readings. (Every suffix as a token, as before revision 0008, made most of the
  index: nearly every suffix is a distinct term.)

A short fragment of the code and one of the readings are the same token: a query of 1-3
letters looks for both anyway (``_term_expression``), and one of 1-3 characters with a
digit only for the code, so fragments of readings with a digit are left out.

Ranking tiers: 0 exact name or code; 1 prefix of name, code or initials; 2 any other
match. Within a tier rows are ordered by the pinyin sort key, then id; pages continue
after a keyset (tier, sort key, id). A tier with few matches is joined and sorted; a
tier with many matches walks the sort-key index and keeps the rows whose index row is in
the match set, which stops after one page. Neither ever reads the whole table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, RowMapping, text
from sqlalchemy.orm import Session

from mca_tui.domain import pinyin
from mca_tui.domain.text import normalize_code
from mca_tui.storage.search_tokens import (
    GRAM,
    chars,
    first_letters,
    looks_like_code,
    query_grams,
    spaced,
)

# The index is written inside a migration (a Connection) and by the services (a Session).
Executor = Connection | Session

FTS_TABLE = "organization_fts"

# Contentless (``content=''``: the documents are not stored twice, they are derived from
# the organization row) and without per-row column sizes (``columnsize=0``: nothing here
# ranks by bm25); a row is removed with FTS5's 'delete' command given the document it
# was indexed with, which :func:`stored_document` recomputes from the organization row
# (the index follows that row: every write of the indexed columns goes through
# ``storage.search.index_organization`` or a rebuild). Revision 0017 rebuilt the older
# layout (stored content, 1.7 KB per organization) into this one.
CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "py, name, rep, addr, code, tokenize = 'unicode61 remove_diacritics 0', "
    "content = '', columnsize = 0)",
)
_COLS = "py, name, rep, addr, code"
# Above this many matches a tier is read by walking the sort-key index.
DENSE_THRESHOLD = 5000

_COLUMNS = """o.id AS id, o.name AS name, o.uscc AS uscc, o.org_type AS org_type,
       o.status AS status, o.legal_rep_name AS legal_rep_name, o.domicile AS domicile,
       o.established_on AS established_on, o.deregistered_on AS deregistered_on,
       o.revoked_on AS revoked_on, o.name_sort_key AS sort_key"""


def is_index_table(name: str | None) -> bool:
    """True for the FTS5 table and its shadow tables, which exist only in the database
    (no model): schema comparisons skip them (alembic ``include_name``)."""
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# Marks the start of a column (or of the first reading): a token made of this character and
# the first character (name) or first gram (code, initials). A query anchored to the start
# reads that token's short posting list; FTS5's ``^`` would walk the whole posting list of
# a common first token checking positions (e.g. 会, or every code beginning 5135). The
# private-use character never occurs in indexed text (``search_tokens.chars`` drops it).
MARK = "\ue000"


HEAD = GRAM - 1  # letters of a code or reading in its start mark

# Leads every short fragment (and short start mark) of the ``py`` column: a fragment is
# then never the same term as a 1-character token of a name, representative or address
# ("h", "1"), whose posting lists stay short for the phrases that read them.
FRAG = "\ue001"


def _full_grams(s: str) -> list[str]:
    """The GRAM-letter grams of ``s``, one per position (none if shorter)."""
    return [s[i:i + GRAM] for i in range(len(s) - GRAM + 1)]


def _fragments(s: str, into: set[str]) -> None:
    """Add every 1- to HEAD-character fragment of ``s`` to ``into`` (the slices at the end
    are shorter: fragments too)."""
    r = range(len(s))
    into.update(s)
    into.update([s[i:i + 2] for i in r])
    into.update([s[i:i + 3] for i in r])


def _letters(s: str) -> bool:
    return s.isascii() and s.isalpha()


_LETTER_RUN = re.compile("[A-Za-z]+")


def _letter_runs(s: str) -> list[str]:
    """The runs of ASCII letters of a reading (its fragments with a digit or an unknown
    character are never looked up: initials are only searched for letters)."""
    return [s] if _letters(s) else _LETTER_RUN.findall(s)


@lru_cache(maxsize=50_000)
def _spaced_person(s: str) -> str:
    """:func:`spaced` of a legal representative's name (names repeat: cached)."""
    return spaced(s)


@lru_cache(maxsize=4096)
def _code_head(head: str) -> frozenset[str]:
    """The fragments and short start marks of the first characters of a code."""
    out: set[str] = set()
    _fragments(head, out)
    out.update(MARK + head[:k] for k in range(1, HEAD))
    return frozenset(out)


def _py_column(variants: tuple[str, ...], code: str) -> str:
    """The ``py`` column: the grams of each reading (see the module docstring), then the
    short fragments of the readings and of the code."""
    tokens: list[str] = []
    short: set[str] = set()
    first = variants[0] if variants else ""
    plain = _letters(first)  # (nearly always: a name of Han characters)
    n = len(first)
    if first:
        tokens.append(MARK + first[:HEAD])
        tokens += [first[i:i + GRAM] for i in range(n - GRAM + 1)]
        runs = [first] if plain else _LETTER_RUN.findall(first)
        if runs and first.startswith(runs[0]):
            short.add(MARK + runs[0][:1])
            short.add(MARK + runs[0][:2])
        for run in runs:
            _fragments(run, short)
    for v in variants[1:]:
        tokens.append(MARK)  # no phrase of grams runs on from the reading before
        tokens += [v[i:i + GRAM] for i in range(len(v) - GRAM + 1)]
        if plain and len(v) == n and _letters(v):
            # another reading differs from the first in a letter or two: only the
            # fragments over those letters are new
            for p in [p for p, (a, b) in enumerate(zip(v, first, strict=True)) if a != b]:
                short.update([v[i:i + k] for k in range(1, HEAD + 1)
                              for i in range(max(0, p - k + 1), min(p, n - k) + 1)])
        else:
            for run in _letter_runs(v):
                _fragments(run, short)
    if code:
        # a fragment lies within the first 10 characters (GB 32100: registration office,
        # kind and area, shared by a district's codes: cached) or from the 9th on
        short.update(_code_head(code[:10]))
        _fragments(code[8:], short)
    if not short:
        return " ".join(tokens)
    return f"{' '.join(tokens)} {FRAG}{(' ' + FRAG).join(short)}"


def _short_query(letters: str, anchored: bool = False) -> str:
    """A fragment of fewer than GRAM (anywhere) or HEAD (anchored) characters of a code
    or of initials: one token of the ``py`` column's short fragments."""
    return f"py : {FRAG}{MARK}{letters}" if anchored else f"py : {FRAG}{letters}"


def _gram_query(column: str, letters: str, anchored: bool = False) -> str:
    """FTS expression for ``letters`` anywhere in (or, anchored, at the start of) a column
    of GRAM-grams (``code``, ``py``). Anywhere: fewer than GRAM letters a short fragment
    (shared by code and initials: :func:`_short_query`), GRAM letters the gram itself,
    more the phrase of its GRAM-grams. Anchored: fewer than HEAD a short start mark,
    HEAD the start mark itself, more the start mark followed by the grams. Each is one
    posting list or a phrase: no scan of a range of terms."""
    if anchored:
        if len(letters) < HEAD:
            return _short_query(letters, anchored=True)
        if len(letters) == HEAD:
            return f"{column} : {MARK}{letters}"
        # (HEAD = GRAM - 1: a longer fragment has at least one gram)
        return f'{column} : "{" ".join([MARK + letters[:HEAD], *query_grams(letters)])}"'
    if len(letters) < GRAM:
        return _short_query(letters)
    if len(letters) == GRAM:
        return f"{column} : {letters}"
    return f'{column} : "{" ".join(query_grams(letters))}"'


def _fragment_query(letters: str, anchored: bool = False) -> str:
    """Code fragment or (letters only) initials containing, or anchored beginning with,
    ``letters`` (ASCII)."""
    short = len(letters) < (HEAD if anchored else GRAM)
    if short or not letters.isalpha():
        return _gram_query("code", letters, anchored)
    return (f"{_gram_query('code', letters, anchored)} OR "
            f"{_gram_query('py', letters, anchored)}")


def _columns(name: str | None, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None, variants: tuple[str, ...]) -> tuple[str, str, str, str, str]:
    """The indexed columns of one organization, in the table's order (``_COLS``)."""
    # (a stored code is already canonical: letters and digits, normalize_code leaves it)
    code = (uscc.lower() if uscc and uscc.isascii() and uscc.isalnum()
            else normalize_code(uscc or "").lower())
    first = chars(name or "")
    return (
        # only the first (phrase-aware) reading is marked: a name "begins with" the
        # initials it is sorted by; other readings find it in the last tier
        _py_column(variants, code),
        f"{MARK}{first[0]} {' '.join(first)}" if first else "",
        _spaced_person(legal_rep_name or ""),
        spaced(domicile or ""),
        " ".join([MARK + code[:HEAD], *_full_grams(code)]) if code else "",
    )


def document(name: str, legal_rep_name: str | None, domicile: str | None,
             uscc: str | None, variants: tuple[str, ...] | None = None) -> dict[str, str]:
    """The indexed columns of one organization by name (``variants``: its pinyin
    initials, if already known)."""
    if variants is None:
        variants = pinyin.initials_variants(name or "")
    return dict(zip(("py", "name", "rep", "addr", "code"),
                    _columns(name, legal_rep_name, domicile, uscc, variants), strict=True))


def indexed_rowids(conn: Executor) -> set[int]:
    """Row numbers present in the index (checks and tests: a contentless table cannot be
    scanned, its vocabulary can; reads the whole index)."""
    conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.organization_fts_rows "
                      f"USING fts5vocab(main, {FTS_TABLE}, instance)"))
    rows = {int(r[0]) for r in conn.execute(text(
        "SELECT DISTINCT doc FROM temp.organization_fts_rows"))}
    conn.execute(text("DROP TABLE temp.organization_fts_rows"))
    return rows


def stored_document(name: str | None, legal_rep_name: str | None, domicile: str | None,
                    uscc: str | None, sort_key: str | None) -> dict[str, str]:
    """The document an organization row with these stored values is indexed with (its
    readings from the stored sort key, as a rebuild takes them: ``pinyin.index_terms``)."""
    variants = pinyin.index_terms(name or "", sort_key or "")[1]
    return document(name or "", legal_rep_name, domicile, uscc, variants)


# ------------------------------------------------------------------------- queries


def _term_expression(term: str) -> str:
    """Where one term may match: a phrase of its characters in name, legal
    representative or address; an ASCII term also a code fragment or initials."""
    c = chars(term)
    if not c:
        return ""
    if looks_like_code(c):
        return _gram_query("code", c)
    phrase = '{name rep addr} : "' + " ".join(c) + '"'
    if c.isascii():
        return f"({phrase} OR {_fragment_query(c)})"
    return phrase


def match_all(terms: Sequence[str]) -> str:
    """Every term must match somewhere."""
    return " AND ".join(e for e in (_term_expression(t) for t in terms) if e)


def _prefix_parts(terms: Sequence[str]) -> tuple[str, str, tuple[str, str] | None]:
    """(name prefix expression, code-or-initials prefix expression, sort-key bounds).

    A name or initials that begins with the query has a pinyin sort key that begins with
    a letter the query's first character can be read with, so a dense prefix tier only
    walks that stretch of the sort-key index (厦门… lie under x, near the end)."""
    if len(terms) != 1:
        return "", "", None
    c = chars(terms[0])
    if not c:
        return "", "", None
    if looks_like_code(c):
        return "", _gram_query("code", c, anchored=True), None
    head = f'name : "{MARK}{c[0]} {" ".join(c)}"'
    code = _fragment_query(c, anchored=True) if c.isascii() else ""
    return head, code, first_letters(c)


def match_prefix(terms: Sequence[str]) -> str:
    """Name, code or initials begin with the (single-term) query."""
    head, code, _ = _prefix_parts(terms)
    return " OR ".join(p for p in (head, code) if p)


def count(conn: Executor, match: str, cap: int) -> int:
    """Number of matches of an FTS expression, counted up to ``cap`` (bounded work)."""
    if not match:
        return 0
    sql = (f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m "
           "LIMIT :cap)")
    return int(conn.execute(text(sql), {"m": match, "cap": cap}).scalar() or 0)


def _rowid_after(conn: Executor, keyset: tuple[str, str] | None) -> int:
    """Row number of the last indexed organization at or before the keyset (sort key,
    id) in pinyin order; 0 for the start."""
    if keyset is None:
        return 0
    found = conn.execute(text(
        "SELECT search_rowid FROM organization WHERE (name_sort_key, id) <= (:k, :i) "
        "AND search_rowid IS NOT NULL ORDER BY name_sort_key DESC, id DESC LIMIT 1"),
        {"k": keyset[0], "i": keyset[1]}).scalar()
    return int(found or 0)


def _tier_rows(conn: Executor, tier: int, match: str, params: dict[str, Any], limit: int,
               keyset: tuple[str, str] | None) -> list[RowMapping]:
    """Up to ``limit`` rows of one tier in pinyin order after the keyset. Tier 0 reads the
    name and code indexes; the others read the FTS index in row order (= pinyin order)
    with LIMIT, so a tier with a million matches stops after one page. Exact matches
    (tier 0) are left out of the other tiers."""
    if tier == 0:
        p = dict(params, limit=limit)
        cond = ""
        if keyset is not None:
            cond = " AND (o.name_sort_key, o.id) > (:k, :i)"
            p.update(k=keyset[0], i=keyset[1])
        sql = (f"SELECT {_COLUMNS}, 0 AS rank FROM organization o "
               "WHERE (o.name = :q OR (:qcode != '' AND o.uscc = :qcode))" + cond
               + " ORDER BY o.name_sort_key, o.id LIMIT :limit")
        return list(conn.execute(text(sql), p).mappings().all())
    after = _rowid_after(conn, keyset)
    out: list[RowMapping] = []
    batch = limit + 8
    sql = (f"SELECT {_COLUMNS}, {tier} AS rank, f.r AS r FROM (SELECT rowid AS r FROM "
           f"{FTS_TABLE} WHERE {FTS_TABLE} MATCH :m AND rowid > :after ORDER BY rowid "
           "LIMIT :batch) AS f JOIN organization o ON o.search_rowid = f.r ORDER BY f.r")
    while len(out) < limit:
        rows = conn.execute(text(sql), dict(params, m=match, after=after, batch=batch)
                            ).mappings().all()
        for r in rows:
            if r["name"] == params["q"] or (params["qcode"] and r["uscc"] == params["qcode"]):
                continue
            out.append(r)
        if len(rows) < batch:
            break
        after = int(rows[-1]["r"])
    return out[:limit]


def search(conn: Executor, terms: Sequence[str], *, q: str, qcode: str, limit: int,
           after: tuple[int, str, str] | None = None) -> list[RowMapping]:
    """One page of matches ordered by (tier, pinyin sort key, id), starting after the
    keyset ``after`` = (rank, sort_key, id) of the last row of the previous page."""
    every = match_all(terms)
    if not every:
        return []
    prefix = match_prefix(terms)
    params = {"q": q, "qcode": qcode}
    out: list[RowMapping] = []
    for tier in (0, 1, 2):
        if after is not None and tier < after[0]:
            continue
        if tier == 1 and not prefix:
            continue
        keyset = (after[1], after[2]) if after is not None and tier == after[0] else None
        if tier == 1:
            match = prefix
        elif tier == 2:
            match = f"({every}) NOT ({prefix})" if prefix else every
        else:
            match = ""
        out.extend(_tier_rows(conn, tier, match, params, limit - len(out), keyset))
        if len(out) >= limit:
            break
    return out
