"""Eligibility and name rules of establishment and change registration (domain.md §1.1).

Pure functions over what the clerk typed. Each finding names its article, says what is
wrong and how to fix it (catalog ``registration.finding.*`` / ``registration.check.*``)
and has a severity:

- ``block``: the application cannot be approved while it stands (the reviewer sends it
  back for 补正 or the approver refuses it). With ``at_intake`` it also stops the clerk from
  accepting the form: a field that cannot be read, a missing required item, a foundation
  (not registered by a district office), a name already on the register.
- ``warn``: shown to the reviewer and approver (a similar name, a person already linked to
  another organization, a form word the app does not recognise).

Rules that need the register (duplicate or similar names, a legal representative of
another social group, shared persons or addresses) are evaluated by
``services.registration`` with the helpers and finding codes defined here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mca_tui.domain.dates import parse_date
from mca_tui.domain.enums import OrgType
from mca_tui.domain.forms import (
    DIRECT_CATEGORIES,
    FieldSpec,
    Material,
    change_fields,
    establishment_fields,
    field_spec,
    materials_for,
)
from mca_tui.domain.identifiers import validate_id_number
from mca_tui.domain.money import MoneyError, format_fen, parse_yuan, yuan_to_fen
from mca_tui.domain.params import LegalParams
from mca_tui.domain.text import normalize_name, normalize_phone, normalize_text, normalize_value
from mca_tui.i18n import t

__all__ = [
    "BLOCK",
    "WARN",
    "FindingDTO",
    "check_field",
    "division_names_for",
    "evaluate_change",
    "evaluate_establishment",
    "field_findings",
    "materials_findings",
    "members_finding",
    "name_findings",
    "parse_count",
]

BLOCK = "block"
WARN = "warn"

S1 = "《社会团体登记管理条例》"
S2 = "《民办非企业单位登记管理暂行条例》"
S3 = "《基金会管理条例》"
ORDER_69 = "《社会组织名称管理办法》（民政部令第69号）"
LICENSING_LAW = "《中华人民共和国行政许可法》"

# Organizational-form words (组织形式) a name should end with, per type (Order 69 Art 8).
FORM_WORDS: dict[OrgType, tuple[str, ...]] = {
    OrgType.SOCIAL_GROUP: ("协会", "商会", "促进会", "联合会", "研究会", "学会", "联谊会",
                           "俱乐部", "总会", "同业公会", "联盟"),
    OrgType.PRIVATE_NON_ENTERPRISE: ("服务中心", "中心", "服务社", "社", "培训学校", "学校",
                                     "幼儿园", "研究院", "医院", "养老院", "敬老院", "院",
                                     "事务所", "所", "服务站", "站", "馆", "园"),
    OrgType.FOUNDATION: ("基金会",),
}

# Words a local organization may not use ([S1] Art 10, [S2] Art 8).
FORBIDDEN_WORDS: tuple[str, ...] = ("中国", "全国", "中华")

_OFFICE_SUFFIXES = ("行政审批局", "民政局", "民政厅")


@dataclass(frozen=True)
class FindingDTO:
    """One eligibility finding: ``code`` (stable id), ``severity`` block|warn, the
    ``article`` it rests on, the catalog ``key`` and ``params`` of its message, the form
    ``field`` it belongs to (None for the whole application) and whether it already stops
    the clerk from accepting (``at_intake``)."""

    code: str
    severity: str
    article: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str | None = None
    at_intake: bool = False

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCK

    def message(self, lang: str | None = None) -> str:
        """The message with its article: "…。（依据：《…》第十条）"."""
        text = t(self.key, lang, **self.params)
        if self.article:
            text += t("registration.finding.basis", lang, article=self.article)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "article": self.article,
                "key": self.key, "params": dict(self.params), "field": self.field,
                "at_intake": self.at_intake}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FindingDTO:
        return cls(data["code"], data["severity"], data.get("article", ""), data["key"],
                   dict(data.get("params") or {}), data.get("field"),
                   bool(data.get("at_intake")))


def division_names_for(office_name: str) -> tuple[str, ...]:
    """Division names a local name may start with, from the office name:
    "厦门市海沧区民政局" -> ("厦门市海沧区", "海沧区")."""
    name = normalize_name(office_name)
    for suffix in _OFFICE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    out = [name]
    for sep in ("市", "省"):
        if sep in name[:-1]:
            tail = name.rsplit(sep, 1)[1]
            if tail and tail not in out:
                out.append(tail)
            break
    return tuple(n for n in out if n)


def _article(org_type: OrgType, sg: str, pne: str, foundation: str = "") -> str:
    if org_type is OrgType.SOCIAL_GROUP:
        return sg
    if org_type is OrgType.PRIVATE_NON_ENTERPRISE:
        return pne
    return foundation or sg


def _finding(code: str, severity: str, article: str, *, field_name: str | None = None,
             at_intake: bool = False, key: str | None = None, **params: object) -> FindingDTO:
    return FindingDTO(code, severity, article, key or f"registration.finding.{code}",
                      dict(params), field_name, at_intake)


# --------------------------------------------------------------------------- names


def name_findings(org_type: OrgType, name: str,
                  division_names: Iterable[str] = ("厦门市海沧区", "海沧区")) -> list[FindingDTO]:
    """Name rules of a local organization: not 冠以 中国/全国/中华 ([S1] Art 10, [S2] Art 8,
    Order 69 Art 8; a warning when they stand inside the name) and
    the pattern division + sector/trade name + organizational form (Order 69 Art 8)."""
    name = normalize_name(name)
    if not name:
        return []
    out: list[FindingDTO] = []
    # 中国/全国/中华: refused where the name is 冠以 (begins with) them; elsewhere in the
    # name (e.g. a sector qualifier such as 中华文化) a warning for the reviewer
    # (domain.md §10.9). Foundations: Order 69 Art 8 (the 基金会条例 has no such rule).
    article = _article(org_type, f"{S1}第十条；{ORDER_69}第八条",
                       f"{S2}第八条；{ORDER_69}第八条", f"{ORDER_69}第八条")
    prefix = [w for w in FORBIDDEN_WORDS if name.startswith(w)]
    inside = [w for w in FORBIDDEN_WORDS if w in name[len(prefix[0]) if prefix else 0:]]
    if prefix:
        out.append(_finding("name_forbidden_word", BLOCK, article, field_name="name",
                            words="、".join(f"「{w}」" for w in prefix)))
    if inside:
        out.append(_finding("name_national_word_inside", WARN, article, field_name="name",
                            words="、".join(f"「{w}」" for w in inside)))
    divisions = sorted({normalize_name(d) for d in division_names if d}, key=len, reverse=True)
    division = next((d for d in divisions if name.startswith(d)), None)
    rest = name[len(division):] if division else name
    forms = FORM_WORDS.get(org_type, ())
    form_word = next((w for w in sorted(forms, key=len, reverse=True) if rest.endswith(w)), None)
    example = t(f"registration.name_example.{org_type.value}")
    if division is None:
        out.append(_finding("name_no_division", BLOCK, f"{ORDER_69}第八条", field_name="name",
                            division=divisions[0] if divisions else "", example=example))
    if form_word is None:
        out.append(_finding("name_no_form_word", WARN, f"{ORDER_69}第八条", field_name="name",
                            forms="、".join(forms[:6]), example=example))
    elif len(rest) <= len(form_word):
        out.append(_finding("name_no_sector", BLOCK, f"{ORDER_69}第八条", field_name="name",
                            example=example))
    return out


# --------------------------------------------------------------------------- numbers


def parse_count(value: object) -> int | None:
    """A member count as typed ("50", "５０", " 50 人") -> int; None if blank.
    Raises ValueError when it is not a whole non-negative number."""
    text = normalize_value(str(value if value is not None else "")).replace(" ", "")
    text = text.removesuffix("人").removesuffix("个").removesuffix("家")
    if not text:
        return None
    if not text.isdigit() or not text.isascii():
        raise ValueError(text)
    return int(text)


def members_finding(individual: int | None, unit: int | None) -> FindingDTO | None:
    """[S1] Art 10: at least 50 individual members or at least 30 unit members; a mixed
    membership needs at least 50 in total."""
    ind, uni = individual or 0, unit or 0
    article = f"{S1}第十条"
    if ind and uni:
        if ind + uni < 50:
            return _finding("members_mixed_too_few", BLOCK, article, field_name="unit_members",
                            individual=ind, unit=uni, total=ind + uni)
        return None
    if uni:
        if uni < 30:
            return _finding("members_unit_too_few", BLOCK, article, field_name="unit_members",
                            unit=uni)
        return None
    if ind < 50:
        return _finding("members_individual_too_few", BLOCK, article,
                        field_name="unit_members" if unit is not None else "individual_members",
                        individual=ind)
    return None


def funds_finding(org_type: OrgType, fen: int, params: LegalParams) -> FindingDTO | None:
    """Activity funds of a local social group ≥ the parameter (30,000 yuan, [S1] Art 10);
    民非 founding funds ≥ the local minimum if one is configured (UNCONFIRMED, 0 = none)."""
    if org_type is OrgType.SOCIAL_GROUP:
        minimum = yuan_to_fen(params.social_group_min_funds_yuan)
        if fen < minimum:
            return _finding("funds_too_low_social_group", BLOCK, f"{S1}第十条",
                            field_name="funds", amount=format_fen(fen),
                            minimum=format_fen(minimum))
    elif org_type is OrgType.PRIVATE_NON_ENTERPRISE and params.pne_min_founding_funds_yuan:
        minimum = yuan_to_fen(params.pne_min_founding_funds_yuan)
        if fen < minimum:
            return _finding("funds_too_low_pne", BLOCK, f"{S2}第八条", field_name="funds",
                            amount=format_fen(fen), minimum=format_fen(minimum))
    if fen <= 0:
        return _finding("funds_zero", BLOCK, _article(org_type, f"{S1}第十条", f"{S2}第八条"),
                        field_name="funds")
    return None


# --------------------------------------------------------------------------- one field


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not normalize_text(value))


def _format_finding(spec: FieldSpec, org_type: OrgType, value: object, today: date,
                    *, change: bool) -> list[FindingDTO]:
    """Can the field be read at all? (required, length, number, date, ID number)."""
    label = t(spec.label_key(org_type))
    name = spec.name
    if _blank(value) or (spec.kind == "bool" and value in (False, None)):
        if spec.required and spec.kind != "bool":
            return [_finding("required", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.required", label=label)]
        return []
    if spec.kind in ("text", "multiline"):
        text = normalize_text(str(value))
        if spec.max_length and len(text) > spec.max_length:
            return [_finding("too_long", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.too_long", label=label,
                             max=spec.max_length, length=len(text))]
    elif spec.kind == "money":
        try:
            parse_yuan(str(value))
        except MoneyError as exc:
            return [_finding("money", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.money", problem=exc.message())]
    elif spec.kind == "integer":
        try:
            parse_count(value)
        except ValueError:
            return [_finding("integer", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.integer", label=label,
                             value=normalize_text(str(value)))]
    elif spec.kind == "date":
        day = parse_date(value)
        if day is None:
            return [_finding("date", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.date", label=label,
                             value=normalize_text(str(value)))]
        if day > today:
            return [_finding("date_future", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.date_future", label=label,
                             value=day.isoformat())]
    elif spec.kind == "id_number":
        info = validate_id_number(str(value), today=today)
        if not info.valid:
            return [_finding("id_number", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.id_number",
                             problem="；".join(info.messages()))]
    elif spec.kind == "phone":
        digits = [c for c in normalize_phone(str(value)) if c.isdigit()]
        if len(digits) < 7:
            return [_finding("phone", BLOCK, "", field_name=name, at_intake=True,
                             key="registration.check.phone", value=normalize_text(str(value)))]
    elif spec.kind == "choice" and spec.choices and str(value) not in spec.choices:
        return [_finding("choice", BLOCK, "", field_name=name, at_intake=True,
                         key="registration.check.choice", label=label)]
    return []


def field_findings(org_type: OrgType | str, field_name: str, value: object, *,
                   form: Mapping[str, Any] | None = None, params: LegalParams | None = None,
                   today: date | None = None, division_names: Iterable[str] | None = None,
                   change: bool = False) -> list[FindingDTO]:
    """Everything wrong with one field as the clerk leaves it. ``form`` (the rest of what
    was typed) enables the rules that compare fields (members, supervisory unit)."""
    org_type = OrgType(org_type)
    params = params or LegalParams()
    today = today or date.today()
    form = form or {}
    divisions = tuple(division_names or ("厦门市海沧区", "海沧区"))
    spec = field_spec(field_name, change=change)
    if spec is None:
        return []
    out = _format_finding(spec, org_type, value, today, change=change)
    if out or _blank(value):
        if (field_name == "supervisory_unit" and _blank(value) and not change
                and _blank(form.get("direct_category"))):
            return [_finding("supervision_missing", BLOCK,
                             _article(org_type, f"{S1}第九条、第十一条", f"{S2}第九条",
                                      f"{S3}第九条"), field_name="supervisory_unit",
                             at_intake=True)]
        if field_name == "legal_rep_id_number" and change and _blank(value) \
                and not _blank(form.get("legal_rep_name")):
            return [_finding("required", BLOCK, "", field_name=field_name, at_intake=True,
                             key="registration.check.required",
                             label=t(spec.label_key(org_type)))]
        return out
    if field_name == "name":
        return name_findings(org_type, str(value), divisions)
    if field_name == "funds":
        found = funds_finding(org_type, parse_yuan(str(value)), params)
        return [found] if found else []
    if field_name in ("individual_members", "unit_members") and not change:
        other = "unit_members" if field_name == "individual_members" else "individual_members"
        # wait for the unit count before judging a possibly mixed membership
        if field_name == "individual_members" and "unit_members" not in form:
            return []
        try:
            mine = parse_count(value)
            theirs = parse_count(form.get(other))
        except ValueError:
            return []
        ind, uni = (mine, theirs) if field_name == "individual_members" else (theirs, mine)
        found = members_finding(ind, uni)
        return [found] if found else []
    return []


def check_field(org_type: OrgType | str, field_name: str, value: object, *,
                form: Mapping[str, Any] | None = None, params: LegalParams | None = None,
                today: date | None = None, division_names: Iterable[str] | None = None,
                change: bool = False, lang: str | None = None) -> str | None:
    """The message shown under a field when the clerk leaves it, or None if all is well.
    Blocking problems come first; each message says what is wrong and how to fix it."""
    found = field_findings(org_type, field_name, value, form=form, params=params, today=today,
                           division_names=division_names, change=change)
    if not found:
        return None
    found.sort(key=lambda f: 0 if f.blocks else 1)
    return "\n".join(f.message(lang) for f in found)


# --------------------------------------------------------------------------- whole form


def _members_of(form: Mapping[str, Any]) -> tuple[int | None, int | None]:
    try:
        return parse_count(form.get("individual_members")), parse_count(form.get("unit_members"))
    except ValueError:
        return None, None


def evaluate_establishment(org_type: OrgType | str, form: Mapping[str, Any], *,
                           params: LegalParams | None = None, today: date | None = None,
                           division_names: Iterable[str] | None = None) -> list[FindingDTO]:
    """All findings that follow from the form alone (no register look-ups)."""
    org_type = OrgType(org_type)
    params = params or LegalParams()
    today = today or date.today()
    out: list[FindingDTO] = []
    if org_type is OrgType.FOUNDATION:
        out.append(_finding("foundation_not_district", BLOCK, f"{S3}第六条", at_intake=True))
    for spec in establishment_fields(org_type):
        if spec.name in ("individual_members", "unit_members"):
            continue
        out.extend(field_findings(org_type, spec.name, form.get(spec.name), form=form,
                                  params=params, today=today, division_names=division_names))
    if org_type is OrgType.SOCIAL_GROUP:
        bad: list[FindingDTO] = []
        for name in ("individual_members", "unit_members"):
            member_spec = field_spec(name)
            assert member_spec is not None  # both are fields of the establishment form
            bad.extend(_format_finding(member_spec, org_type, form.get(name), today,
                                       change=False))
        out.extend(bad)
        if not bad:
            found = members_finding(*_members_of(form))
            if found:
                out.append(found)
    direct = str(form.get("direct_category") or "")
    if direct and direct not in DIRECT_CATEGORIES:
        direct = ""
    out.extend(persons_findings(form, today))
    out.extend(materials_findings(materials_for(org_type, direct=bool(direct)),
                                  form.get("materials")))
    return _dedupe(out)


def materials_findings(materials: Iterable[Material],
                       received: Mapping[str, Any] | None) -> list[FindingDTO]:
    """One blocking finding per checklist item not ticked as received (``received``: the
    form's ``materials`` mapping of key -> ticked)."""
    received = received or {}
    return [_finding("material_missing", BLOCK, m.article, field_name="materials",
                     material=t(m.label_key), material_key=m.key)
            for m in materials if not received.get(m.key)]


def persons_findings(form: Mapping[str, Any], today: date) -> list[FindingDTO]:
    """Founders / responsible persons: a name and a valid ID number each."""
    out: list[FindingDTO] = []
    for i, person in enumerate(form.get("persons") or [], start=1):
        name = normalize_name(person.get("name"))
        number = person.get("id_number")
        if not name and _blank(number):
            continue
        if not name:
            out.append(_finding("person_name", BLOCK, "", field_name="persons", at_intake=True,
                                key="registration.check.person_name", row=i))
            continue
        info = validate_id_number(str(number or ""), today=today)
        if not info.valid:
            out.append(_finding("person_id", BLOCK, "", field_name="persons", at_intake=True,
                                key="registration.check.person_id", row=i, name=name,
                                problem="；".join(info.messages())))
    return out


def evaluate_change(org_type: OrgType | str, form: Mapping[str, Any], current: Mapping[str, Any], *,
                    params: LegalParams | None = None, today: date | None = None,
                    division_names: Iterable[str] | None = None) -> list[FindingDTO]:
    """Findings of a change application: each changed item readable, at least one item
    actually changed, the supervisory approval date given, the name and funds rules on
    the new values, and the change materials."""
    org_type = OrgType(org_type)
    params = params or LegalParams()
    today = today or date.today()
    out: list[FindingDTO] = []
    for spec in change_fields(org_type):
        out.extend(field_findings(org_type, spec.name, form.get(spec.name), form=form,
                                  params=params, today=today, division_names=division_names,
                                  change=True))
    from mca_tui.domain.forms import CHANGE_FIELDS  # local: keep the public surface small

    item_names = [f.name for f in CHANGE_FIELDS
                  if f.name not in ("supervisory_approval_on", "received_on",
                                    "legal_rep_id_number", "legal_rep_phone")]
    changed = [n for n in item_names if not _blank(form.get(n))
               and normalize_text(str(form.get(n))) != normalize_text(str(current.get(n) or ""))]
    if not changed:
        out.append(_finding("change_nothing", BLOCK, "", at_intake=True))
    direct = str(form.get("direct_category") or current.get("direct_category") or "")
    out.extend(materials_findings(materials_for(org_type, direct=bool(direct), change=True),
                                  form.get("materials")))
    return _dedupe(out)


def _dedupe(findings: list[FindingDTO]) -> list[FindingDTO]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.code, f.field, tuple(sorted((k, str(v)) for k, v in f.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
