"""The intake forms (登记申请表) of 成立登记 and 变更登记, defined as data.

A form is one column of fields in the order of the paper form the clerk holds
(design.md §4). Each :class:`FieldSpec` names its catalog label, its kind (which decides
how it is parsed and checked) and the organization types it applies to. The screens build
themselves from these lists and the services parse ``Application.form_json`` with them, so
the two can never disagree on what a field is called or how it is read.

Everything the clerk typed is kept *as typed* in the draft (``form_json``); the values are
parsed and normalised only when an application is accepted and decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from mca_tui.domain.dates import parse_date  # re-exported: the forms' date reader
from mca_tui.domain.enums import CivilForm, OrgType

__all__ = [
    "CHANGE_FIELDS",
    "CHANGE_MATERIALS",
    "DIRECT_CATEGORIES",
    "ESTABLISHMENT_FIELDS",
    "MATERIALS",
    "PERSON_ROLES",
    "PRINTED_ITEMS",
    "FieldSpec",
    "Material",
    "change_fields",
    "establishment_fields",
    "field_spec",
    "materials_for",
    "parse_date",
]

# The four categories registered directly, without a supervisory unit (domain.md §0, [S29]).
DIRECT_CATEGORIES: tuple[str, ...] = (
    "industry_association",  # 行业协会商会类
    "science_technology",  # 科技类
    "public_welfare",  # 公益慈善类
    "community_service",  # 城乡社区服务类
)

# Roles of the persons listed on the form besides the legal representative.
PERSON_ROLES: tuple[str, ...] = ("founder", "responsible")

# Registered items printed on the certificate: a change of one reissues it (domain.md §2).
PRINTED_ITEMS: frozenset[str] = frozenset(
    {"name", "domicile", "legal_rep", "funds", "business_scope", "purpose", "activity_area",
     "supervisory_unit", "civil_form"}
)

ALL_TYPES = (OrgType.SOCIAL_GROUP, OrgType.PRIVATE_NON_ENTERPRISE, OrgType.FOUNDATION)
SG = (OrgType.SOCIAL_GROUP,)
PNE = (OrgType.PRIVATE_NON_ENTERPRISE,)


@dataclass(frozen=True)
class FieldSpec:
    """One field of an intake form.

    ``kind``: text | multiline | money | integer | date | choice | bool | id_number | phone.
    ``label_key`` is the catalog key ``registration.field.<name>`` unless a type needs its
    own wording (``label_keys`` maps an OrgType value to another key, e.g. 活动资金 vs
    开办资金). ``choices`` are stored values; their labels are ``<choice_prefix>.<value>``.
    """

    name: str
    kind: str = "text"
    required: bool = True
    types: tuple[OrgType, ...] = ALL_TYPES
    choices: tuple[str, ...] = ()
    choice_prefix: str = ""
    label_overrides: tuple[tuple[str, str], ...] = ()
    max_length: int = 0

    def label_key(self, org_type: OrgType | str | None = None) -> str:
        if org_type is not None:
            for type_value, key in self.label_overrides:
                if type_value == str(org_type):
                    return key
        return f"registration.field.{self.name}"

    @property
    def hint_key(self) -> str:
        """Placeholder/hint text key (``registration.hint.<name>``)."""
        return f"registration.hint.{self.name}"

    def applies_to(self, org_type: OrgType) -> bool:
        return org_type in self.types


_FUNDS_LABELS = (
    (OrgType.SOCIAL_GROUP.value, "registration.field.funds_social_group"),
    (OrgType.PRIVATE_NON_ENTERPRISE.value, "registration.field.funds_pne"),
    (OrgType.FOUNDATION.value, "registration.field.funds_foundation"),
)
_REP_LABELS = ((OrgType.PRIVATE_NON_ENTERPRISE.value, "registration.field.legal_rep_name_pne"),)

# 成立登记申请表, in the order of the paper form ([S1] Art 11-12, [S2] Art 9-12, §1.4).
ESTABLISHMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", max_length=100),
    FieldSpec("civil_form", "choice", types=PNE, choices=tuple(c.value for c in CivilForm),
              choice_prefix="enum.CivilForm"),
    FieldSpec("domicile", max_length=150),
    FieldSpec("subdistrict_code", "choice", required=False),
    FieldSpec("purpose", "multiline"),
    FieldSpec("business_scope", "multiline"),
    FieldSpec("activity_area", types=SG, max_length=100),
    FieldSpec("funds", "money", label_overrides=_FUNDS_LABELS),
    FieldSpec("direct_category", "choice", required=False, choices=("", *DIRECT_CATEGORIES),
              choice_prefix="registration.direct"),
    FieldSpec("supervisory_unit", required=False, max_length=100),
    FieldSpec("is_charity", "bool", required=False),
    FieldSpec("legal_rep_name", label_overrides=_REP_LABELS, max_length=30),
    FieldSpec("legal_rep_id_number", "id_number"),
    FieldSpec("legal_rep_phone", "phone", required=False),
    FieldSpec("phone", "phone", required=False),
    FieldSpec("individual_members", "integer", required=False, types=SG),
    FieldSpec("unit_members", "integer", required=False, types=SG),
    FieldSpec("received_on", "date"),
)

# 变更登记申请表: the new value of each item to change (blank = unchanged).
CHANGE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", required=False, max_length=100),
    FieldSpec("civil_form", "choice", required=False, types=PNE,
              choices=("", *(c.value for c in CivilForm)), choice_prefix="enum.CivilForm"),
    FieldSpec("domicile", required=False, max_length=150),
    FieldSpec("subdistrict_code", "choice", required=False),
    FieldSpec("purpose", "multiline", required=False),
    FieldSpec("business_scope", "multiline", required=False),
    FieldSpec("activity_area", required=False, types=SG, max_length=100),
    FieldSpec("funds", "money", required=False, label_overrides=_FUNDS_LABELS),
    FieldSpec("direct_category", "choice", required=False, choices=("", *DIRECT_CATEGORIES),
              choice_prefix="registration.direct"),
    FieldSpec("supervisory_unit", required=False, max_length=100),
    FieldSpec("legal_rep_name", required=False, label_overrides=_REP_LABELS, max_length=30),
    FieldSpec("legal_rep_id_number", "id_number", required=False),
    FieldSpec("legal_rep_phone", "phone", required=False),
    FieldSpec("supervisory_approval_on", "date"),
    FieldSpec("received_on", "date"),
)

_BY_NAME = {f.name: f for f in ESTABLISHMENT_FIELDS} | {
    f.name: f for f in CHANGE_FIELDS if f.name not in {g.name for g in ESTABLISHMENT_FIELDS}
}


def establishment_fields(org_type: OrgType) -> tuple[FieldSpec, ...]:
    return tuple(f for f in ESTABLISHMENT_FIELDS if f.applies_to(org_type))


def change_fields(org_type: OrgType) -> tuple[FieldSpec, ...]:
    return tuple(f for f in CHANGE_FIELDS if f.applies_to(org_type))


def field_spec(name: str, *, change: bool = False) -> FieldSpec | None:
    if change:
        for f in CHANGE_FIELDS:
            if f.name == name:
                return f
    return _BY_NAME.get(name)


# --------------------------------------------------------------------------- materials


@dataclass(frozen=True)
class Material:
    """One item of the materials checklist (申请材料, domain.md §1.2). ``direct_exempt``:
    not needed for a direct registration (no supervisory unit)."""

    key: str
    article: str
    direct_exempt: bool = False

    @property
    def label_key(self) -> str:
        return f"registration.material.{self.key}"


_S1 = "《社会团体登记管理条例》"
_S2 = "《民办非企业单位登记管理暂行条例》"
_S3 = "《基金会管理条例》"

MATERIALS: dict[OrgType, tuple[Material, ...]] = {
    OrgType.SOCIAL_GROUP: (
        Material("application", f"{_S1}第十一条"),
        Material("supervisory_approval", f"{_S1}第十一条", direct_exempt=True),
        Material("capital_verification", f"{_S1}第十一条"),
        Material("premises_proof", f"{_S1}第十一条"),
        Material("founders_info", f"{_S1}第十一条"),
        Material("charter_draft", f"{_S1}第十一条"),
    ),
    OrgType.PRIVATE_NON_ENTERPRISE: (
        Material("application", f"{_S2}第九条"),
        Material("supervisory_approval", f"{_S2}第九条", direct_exempt=True),
        Material("premises_proof", f"{_S2}第九条"),
        Material("capital_verification", f"{_S2}第九条"),
        Material("responsible_info", f"{_S2}第九条"),
        Material("charter_draft", f"{_S2}第九条"),
    ),
    OrgType.FOUNDATION: (
        Material("application", f"{_S3}第九条"),
        Material("supervisory_consent", f"{_S3}第九条"),
        Material("capital_and_domicile", f"{_S3}第九条"),
        Material("directors_list", f"{_S3}第九条"),
        Material("charter_draft", f"{_S3}第九条"),
    ),
}

# 变更登记 ([S1] Art 18, [S2] Art 15; typical file per MCA guide, domain.md §2).
CHANGE_MATERIALS: tuple[Material, ...] = (
    Material("change_application", f"{_S1}第十八条；{_S2}第十五条"),
    Material("supervisory_approval", f"{_S1}第十八条；{_S2}第十五条", direct_exempt=True),
    Material("resolution", f"{_S1}第十八条；{_S2}第十五条"),
    Material("supporting_documents", f"{_S1}第十八条；{_S2}第十五条"),
)


def materials_for(org_type: OrgType, *, direct: bool = False,
                  change: bool = False) -> tuple[Material, ...]:
    """The checklist for a type; a direct registration needs no supervisory approval."""
    items = CHANGE_MATERIALS if change else MATERIALS[org_type]
    return tuple(m for m in items if not (direct and m.direct_exempt))
