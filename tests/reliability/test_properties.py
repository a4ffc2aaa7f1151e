"""Property-based tests (hypothesis; issue 13): identifiers, normalisation, money, dates,
ledger cells and service inputs never crash on hostile text, reject with a clear message
(a catalog key that renders in both languages), and write nothing when they reject."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from mca_tui.domain import identifiers, money, text
from mca_tui.domain.enums import OrgType, Role
from mca_tui.i18n import t
from mca_tui.reports import ledger as L
from mca_tui.services import registration as reg
from mca_tui.services.ledger_import import import_ledger
from mca_tui.storage.models import AuditEvent, Organization

from ..reports.helpers import code, ledger, org

# hostile text: anything, plus the characters clerks and spreadsheets really produce
TRICKY = st.sampled_from(list("０１２３４５６７８９ＡＢＣ　 \t\n\r'\"=+-@,.;:/\\（）()【】·—…¥万元年月日"
                              "\u200b\ufeff\x00\ud7ff海沧区协会"))
HOSTILE = st.one_of(st.text(max_size=60), st.text(TRICKY, max_size=40),
                    st.text(st.characters(codec="utf-8"), max_size=300))
CELL = st.one_of(HOSTILE, st.none(), st.integers(-10**12, 10**12),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.dates(), st.datetimes())

FAST = settings(max_examples=150, deadline=None)


def _renders(key: str, params: dict) -> None:
    for lang in ("zh", "en"):
        shown = t(key, lang, **params)
        assert shown and shown != key, f"no {lang} message for {key}"


@FAST
@given(HOSTILE)
def test_uscc_validation_never_crashes_and_explains(raw):
    info = identifiers.validate_uscc(raw)
    if info.valid:
        assert len(info.code) == 18
        assert identifiers.uscc_check_char(info.code[:17]) == info.code[17]
    else:
        assert all(m.strip() for m in info.messages("zh") + info.messages("en"))


@FAST
@given(st.sampled_from("123"), st.integers(0, 999_999), st.sampled_from(["350205", "110101"]))
def test_built_codes_validate(category, n, division):
    built = identifiers.build_uscc(category, division, f"MJ{n:06d}")
    assert identifiers.validate_uscc(built).valid
    assert identifiers.validate_uscc(built.lower()).valid  # typed in lower case


@FAST
@given(HOSTILE)
def test_id_numbers_and_org_codes_never_crash(raw):
    person = identifiers.validate_id_number(raw, today=date(2026, 1, 1))
    assert person.valid or all(m.strip() for m in person.messages("en"))
    assert identifiers.validate_org_code(raw).valid in (True, False)
    masked = identifiers.mask_id_number(raw)
    assert isinstance(masked, str)


@FAST
@given(HOSTILE)
def test_normalisation_is_idempotent_and_total(raw):
    for f in (text.normalize_text, text.normalize_value, text.normalize_code,
              text.normalize_name, text.normalize_phone):
        once = f(raw)
        assert isinstance(once, str)
        assert f(once) == once, f.__name__


@FAST
@given(st.one_of(HOSTILE, st.integers(-10**15, 10**15), st.none(), st.booleans(),
                 st.floats(allow_nan=True, allow_infinity=True)))
def test_money_parses_or_refuses_clearly(value):
    try:
        fen = money.parse_yuan(value)
    except money.MoneyError as exc:
        _renders(exc.key, exc.params)
        return
    assert isinstance(fen, int) and 0 <= fen <= money.MAX_FEN
    assert money.format_fen(fen)


@FAST
@given(st.integers(0, money.MAX_FEN // 100))
def test_whole_yuan_round_trip(yuan):
    assert money.parse_yuan(str(yuan)) == yuan * 100
    assert money.parse_yuan(f"{yuan:,}") == yuan * 100


@FAST
@given(CELL)
def test_ledger_cells_parse_or_refuse_with_a_key(value):
    for parse in (L.parse_date, L.parse_code):
        try:
            parsed = parse(value)
        except L.CellError as exc:
            assert exc.key and isinstance(exc.params, dict)
            assert t(f"ledger.problem.{exc.key}", "en", **{"column": "c", **exc.params})
            continue
        assert parsed is None or isinstance(parsed, (str, date))
        if isinstance(parsed, date):
            assert not isinstance(parsed, datetime) or parse is L.parse_date


ORG_COLUMNS = ["名称", "类型", "成立登记日期", "登记状态", "法定代表人", "法定代表人身份证号",
               "住所", "所属街道", "注册资金(元)", "联系电话"]


def _count(db, model) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ORG_COLUMNS), CELL)
def test_an_import_with_a_hostile_cell_writes_everything_or_nothing(ctx, column, value):
    ctx.today = lambda: date(2024, 1, 31)
    n = abs(hash((column, repr(value)))) % 900_000 + 10
    assume(_count(ctx.db, Organization) < 10_000)
    row = org(n)
    row[column] = value
    events = _count(ctx.db, AuditEvent)
    orgs = _count(ctx.db, Organization)
    result = import_ledger(ctx, ledger([row]))
    for p in result.problems:
        assert p.describe("en") and p.describe("zh")
    if result.written:
        assert _count(ctx.db, AuditEvent) == events + 1
    else:
        assert result.errors or result.total("create") == 0
        assert (_count(ctx.db, AuditEvent), _count(ctx.db, Organization)) == (events, orgs)
    assert code(n)  # the row's code is a valid one


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["name", "domicile", "phone", "funds", "scope",
                                        "received_on", "individual_members"]),
                       HOSTILE, max_size=5))
def test_a_draft_keeps_any_text_as_typed(make_ctx, fields):
    clerk = make_ctx("clerk_p", Role.CLERK, today=date(2024, 1, 31))
    draft = reg.save_draft(clerk, fields, org_type=OrgType.SOCIAL_GROUP)
    assert reg.get_application(clerk, draft.id).form == fields
