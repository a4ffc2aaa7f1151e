"""Identifiers: the unified social credit code (统一社会信用代码, GB 32100-2015), the
organization code (组织机构代码, GB 11714-1997) and the resident ID number (公民身份号码,
GB 11643-1999). Algorithms and vectors: domain.md §11.

Validators never raise on bad input: they return an info object whose ``problems`` say
what is wrong, where, and what was expected, so a form can point at the exact character.
Early Fujian pilot USCCs fail the GB 32100 check (§11.4), so callers decide whether a
problem is a hard error (new codes) or a warning a clerk may override (codes on record).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from mca_tui.domain.enums import OrgType
from mca_tui.domain.text import normalize_code, normalize_phone
from mca_tui.i18n import t

__all__ = [
    "CATEGORY_NAMES",
    "DEPARTMENT_NAMES",
    "MESSAGE_KEYS",
    "MIN_BIRTH_DATE",
    "PROBLEM_KINDS",
    "USCC_CHARS",
    "CodeProblem",
    "IdNumberInfo",
    "OrgCodeInfo",
    "USCCInfo",
    "build_uscc",
    "identify",
    "kind_label",
    "mask_id_number",
    "mask_phone",
    "org_code_check_char",
    "uscc_check_char",
    "validate_id_number",
    "validate_org_code",
    "validate_uscc",
]

PROBLEM_KINDS = (
    "empty",
    "length",
    "illegal_char",
    "check_mismatch",
    "org_code_check_mismatch",
    "bad_birth_date",
    "bad_region",
    "unknown_department",
    "unknown_category",
)
CODE_KINDS = ("uscc", "org_code", "id_number")

# --- GB 32100-2015 -------------------------------------------------------------------
# The 31 characters of the USCC, in value order (0-9 -> 0-9, A -> 10 ... Y -> 30): the
# standard drops I, O, Z, S and V because they are easily confused with 1, 0, 2, 5 and U.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # W_i = 3^(i-1) mod 31
_CONFUSABLE = frozenset("IOZSV")

# Position 1: registration department (登记管理部门代码) -> catalog key.
DEPARTMENT_NAMES: dict[str, str] = {
    ch: f"code.department.{ch}"
    for ch in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "N", "Y")
}
# Position 2: organization category (机构类别代码), per department. Only the civil-affairs
# categories matter to this app; other departments' categories are not checked.
CATEGORY_NAMES: dict[str, dict[str, str]] = {
    "5": {ch: f"code.category.5.{ch}" for ch in ("1", "2", "3", "9")},
}
CIVIL_AFFAIRS = "5"
_ORG_TYPE_BY_CATEGORY = {org_type.uscc_category: org_type for org_type in OrgType}

# --- GB 11714-1997 -------------------------------------------------------------------
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# --- GB 11643-1999 -------------------------------------------------------------------
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # W_i = 2^(18-i) mod 11
_ID_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
# Earliest accepted birth date: 1850 rather than 1900, because the standard's own
# documentation example 440524188001010014 is born in 1880.
MIN_BIRTH_DATE = date(1850, 1, 1)

# GB/T 2260 province-level codes (first two digits of an administrative division code).
_PROVINCES = frozenset(
    map(str, (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44))
) | frozenset(map(str, (45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82)))
# USCCs of national organizations carry 100000 (中华人民共和国); ID numbers of Taiwan
# residents' residence permits 83xxxx, and the 2023 foreigner's permanent residence ID
# card starts with 9.
_USCC_REGION_PREFIXES = _PROVINCES | {"10"}
_ID_REGION_PREFIXES = _PROVINCES | {"83"} | {f"9{d}" for d in "0123456789"}

# Allowed-set descriptions shown as ``expected`` of an illegal_char problem (language-neutral).
_DIGITS_SET = "0-9"
_USCC_SET = "0-9 A-H J-N P Q R T U W X Y"
_ORG_BODY_SET = "0-9 A-Z"
_CHECK_X_SET = "0-9 X"

MESSAGE_KEYS: tuple[str, ...] = (
    *(f"code.problem.{kind}" for kind in PROBLEM_KINDS),
    *(f"code.kind.{kind}" for kind in CODE_KINDS),
    *DEPARTMENT_NAMES.values(),
    *(key for names in CATEGORY_NAMES.values() for key in names.values()),
    "code.hint.confusable",
    "code.describe.uscc",
    "code.describe.incomplete",
    "code.describe.unknown",
    "code.describe.category_code",
)


@dataclass(frozen=True)
class CodeProblem:
    """One thing wrong with a code. ``position`` is 1-based; for a field spanning several
    characters (birth date, division) it is the first one."""

    kind: str
    position: int | None = None
    found: str | None = None
    expected: str | None = None

    def message(self, lang: str | None = None) -> str:
        text = t(
            f"code.problem.{self.kind}",
            lang,
            position="" if self.position is None else self.position,
            found=self.found or "",
            expected=self.expected or "",
        )
        if self.kind == "illegal_char" and self.found in _CONFUSABLE:
            text += t("code.hint.confusable", lang)
        return text


def _messages(problems: tuple[CodeProblem, ...], lang: str | None) -> list[str]:
    return [p.message(lang) for p in problems]


@dataclass(frozen=True)
class USCCInfo:
    code: str
    valid: bool
    problems: tuple[CodeProblem, ...]
    department: str | None = None
    category: str | None = None
    org_type: OrgType | None = None
    division: str | None = None
    org_code: str | None = None

    def messages(self, lang: str | None = None) -> list[str]:
        return _messages(self.problems, lang)

    def describe(self, lang: str | None = None) -> str:
        """ "民政 / 社会团体 / 行政区划 350205"."""
        if self.department is None or self.category is None or self.division is None:
            return t("code.describe.incomplete", lang)
        dept_key = DEPARTMENT_NAMES.get(self.department)
        cat_key = CATEGORY_NAMES.get(self.department, {}).get(self.category)
        if dept_key is None:
            department = t("code.describe.unknown", lang, code=self.department)
        else:
            department = t(dept_key, lang)
        if cat_key is not None:
            category = t(cat_key, lang)
        elif self.department in CATEGORY_NAMES or dept_key is None:
            category = t("code.describe.unknown", lang, code=self.category)
        else:  # a department whose categories this app does not name
            category = t("code.describe.category_code", lang, code=self.category)
        return t(
            "code.describe.uscc",
            lang,
            department=department,
            category=category,
            division=self.division,
        )


@dataclass(frozen=True)
class OrgCodeInfo:
    code: str
    valid: bool
    problems: tuple[CodeProblem, ...]

    def messages(self, lang: str | None = None) -> list[str]:
        return _messages(self.problems, lang)

    @property
    def display(self) -> str:
        """The traditional written form "XXXXXXXX-X" (the code itself if malformed)."""
        return f"{self.code[:8]}-{self.code[8]}" if len(self.code) == 9 else self.code


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    valid: bool
    problems: tuple[CodeProblem, ...]
    birth_date: date | None = None
    sex: str | None = None  # "male" / "female"
    region: str | None = None

    def messages(self, lang: str | None = None) -> list[str]:
        return _messages(self.problems, lang)


def kind_label(kind: str, lang: str | None = None) -> str:
    """Name of a code kind returned by identify(): 统一社会信用代码, 组织机构代码, 公民身份号码."""
    return t(f"code.kind.{kind}", lang)


# --- check characters ----------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """Position 18 of a USCC (GB 32100-2015 §4.3, ISO 7064 style mod 31)."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError(f"need 17 USCC characters, got {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]  # 31 -> 0


def org_code_check_char(first8: str) -> str:
    """Position 9 of an organization code (GB 11714-1997): 10 -> X, 11 -> 0."""
    if len(first8) != 8 or any(ch not in _ORG_BODY_CHARS for ch in first8):
        raise ValueError(f"need 8 organization-code characters (0-9, A-Z), got {first8!r}")
    total = sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# --- validators ----------------------------------------------------------------------


def _first_illegal(
    code: str, allowed_at: Callable[[int], tuple[frozenset[str], str]]
) -> CodeProblem | None:
    """The first character not allowed at its position; ``allowed_at(i)`` returns the
    (set of characters, description) for 0-based position i."""
    for i, ch in enumerate(code):
        chars, description = allowed_at(i)
        if ch not in chars:
            return CodeProblem("illegal_char", i + 1, ch, description)
    return None


_USCC_SET_CHARS = frozenset(USCC_CHARS)
_DIGIT_CHARS = frozenset("0123456789")


def _uscc_allowed(i: int) -> tuple[frozenset[str], str]:
    # Positions 3-8 are a GB/T 2260 division code: digits only.
    return (_DIGIT_CHARS, _DIGITS_SET) if 2 <= i <= 7 else (_USCC_SET_CHARS, _USCC_SET)


def validate_uscc(raw: str | None) -> USCCInfo:
    """Check a unified social credit code; see the module docstring."""
    code = normalize_code(raw)
    if not code:
        return USCCInfo(code, False, (CodeProblem("empty"),))
    problems: list[CodeProblem] = []
    illegal = _first_illegal(code, _uscc_allowed)
    if illegal:
        problems.append(illegal)
    if len(code) != 18:
        problems.append(CodeProblem("length", None, str(len(code)), "18"))
        return USCCInfo(code, False, tuple(problems))

    department, category, division, org_code = code[0], code[1], code[2:8], code[8:17]
    if department not in DEPARTMENT_NAMES and department in _USCC_SET_CHARS:
        problems.append(
            CodeProblem("unknown_department", 1, department, " ".join(DEPARTMENT_NAMES))
        )
    categories = CATEGORY_NAMES.get(department)
    if categories and category not in categories and category in _USCC_SET_CHARS:
        problems.append(CodeProblem("unknown_category", 2, category, " ".join(categories)))
    if division.isdigit() and division.isascii() and division[:2] not in _USCC_REGION_PREFIXES:
        problems.append(CodeProblem("bad_region", 3, division))

    # Position 17 is the check character of the embedded organization code (GB 11714);
    # it is checked on its own so that a clerk learns which part was mistyped.
    body = code[8:16]
    if all(ch in _USCC_SET_CHARS for ch in body):
        expected_org = org_code_check_char(body)
        if code[16] != expected_org:
            problems.append(CodeProblem("org_code_check_mismatch", 17, code[16], expected_org))
    if all(ch in _USCC_SET_CHARS for ch in code[:17]):
        expected = uscc_check_char(code[:17])
        if code[17] != expected:
            problems.append(CodeProblem("check_mismatch", 18, code[17], expected))

    org_type = None
    if department == CIVIL_AFFAIRS:
        org_type = _ORG_TYPE_BY_CATEGORY.get(category)
    return USCCInfo(
        code=code,
        valid=not problems,
        problems=tuple(problems),
        department=department,
        category=category,
        org_type=org_type,
        division=division,
        org_code=org_code,
    )


def validate_org_code(raw: str | None) -> OrgCodeInfo:
    """Check a 9-character organization code; "50114439-5" is accepted."""
    code = normalize_code(raw)
    if not code:
        return OrgCodeInfo(code, False, (CodeProblem("empty"),))
    problems: list[CodeProblem] = []
    illegal = _first_illegal(
        code,
        lambda i: (
            (_ORG_BODY_CHARS, _ORG_BODY_SET) if i != 8 else (_DIGIT_CHARS | {"X"}, _CHECK_X_SET)
        ),
    )
    if illegal:
        problems.append(illegal)
    if len(code) != 9:
        problems.append(CodeProblem("length", None, str(len(code)), "9"))
    elif all(ch in _ORG_BODY_CHARS for ch in code[:8]):
        expected = org_code_check_char(code[:8])
        if code[8] != expected:
            problems.append(CodeProblem("check_mismatch", 9, code[8], expected))
    return OrgCodeInfo(code, not problems, tuple(problems))


def _id_allowed(i: int) -> tuple[frozenset[str], str]:
    return (_DIGIT_CHARS, _DIGITS_SET) if i != 17 else (_DIGIT_CHARS | {"X"}, _CHECK_X_SET)


def _parse_birth_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def validate_id_number(raw: str | None, *, today: date | None = None) -> IdNumberInfo:
    """Check an 18-character resident ID number (lowercase x accepted). ``today`` bounds
    the birth date (default: the real today)."""
    number = normalize_code(raw)
    if not number:
        return IdNumberInfo(number, False, (CodeProblem("empty"),))
    today = today or date.today()
    problems: list[CodeProblem] = []
    illegal = _first_illegal(number, _id_allowed)
    if illegal:
        problems.append(illegal)
    if len(number) != 18:
        problems.append(CodeProblem("length", None, str(len(number)), "18"))
        return IdNumberInfo(number, False, tuple(problems))
    if illegal:
        return IdNumberInfo(number, False, tuple(problems))

    region = number[:6]
    if region[:2] not in _ID_REGION_PREFIXES:
        problems.append(CodeProblem("bad_region", 1, region))
    birth = _parse_birth_date(number[6:14])
    if birth is None or not MIN_BIRTH_DATE <= birth <= today:
        problems.append(
            CodeProblem(
                "bad_birth_date",
                7,
                number[6:14],
                f"{MIN_BIRTH_DATE.isoformat()}~{today.isoformat()}",
            )
        )
        birth = None
    total = sum(int(ch) * w for ch, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    expected = _ID_CHECK[total % 11]
    if number[17] != expected:
        problems.append(CodeProblem("check_mismatch", 18, number[17], expected))
    # GB 11643 §5.3: the sequence code's last digit (position 17) is odd for men.
    sex = "male" if int(number[16]) % 2 else "female"
    return IdNumberInfo(number, not problems, tuple(problems), birth, sex, region)


# --- building, guessing, masking -------------------------------------------------------


def build_uscc(category: str, division: str, body8: str, department: str = CIVIL_AFFAIRS) -> str:
    """Assemble a USCC: department + category + 6-digit division + 8-character body, then
    the organization-code check (position 17) and the USCC check (position 18)."""
    department, category = normalize_code(department), normalize_code(category)
    division, body8 = normalize_code(division), normalize_code(body8)
    if len(department) != 1 or department not in _USCC_SET_CHARS:
        raise ValueError(f"department must be one USCC character, got {department!r}")
    if len(category) != 1 or category not in _USCC_SET_CHARS:
        raise ValueError(f"category must be one USCC character, got {category!r}")
    if len(division) != 6 or not (division.isdigit() and division.isascii()):
        raise ValueError(f"division must be 6 digits, got {division!r}")
    # Inside a USCC the organization-code body must also use the USCC charset (§11.2).
    if len(body8) != 8 or any(ch not in _USCC_SET_CHARS for ch in body8):
        raise ValueError(f"body must be 8 characters of {_USCC_SET}, got {body8!r}")
    first17 = department + category + division + body8 + org_code_check_char(body8)
    return first17 + uscc_check_char(first17)


_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def identify(raw: str | None) -> str | None:
    """Guess which kind of code was pasted: "uscc", "org_code", "id_number" or None.

    A guess by shape, so that a malformed code still reaches the validator that can
    explain what is wrong: 16-20 characters are a USCC unless they look like an ID number
    (digits with an optional final X), 8-10 alphanumerics an organization code, 15 digits
    an old-style ID number.
    """
    code = normalize_code(raw)
    if not code or not (code.isascii() and code.isalnum()):
        return None
    if len(code) == 18 and _ID_SHAPE.fullmatch(code) and _USCC_SHAPE.fullmatch(code):
        # Both shapes fit (an all-digit USCC): trust whichever check passes.
        id_ok = validate_id_number(code).valid
        if id_ok != validate_uscc(code).valid:
            return "id_number" if id_ok else "uscc"
        return "id_number"
    if 16 <= len(code) <= 20:
        looks_like_id = code[:-1].isdigit() and (code[-1].isdigit() or code[-1] == "X")
        return "id_number" if looks_like_id else "uscc"
    if len(code) == 15 and code.isdigit():
        return "id_number"
    if 8 <= len(code) <= 10:
        return "org_code"
    return None


def mask_id_number(number: str | None) -> str:
    """Show the region code and the last four characters only: 350205********1234."""
    number = normalize_code(number)
    if len(number) > 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)


def mask_phone(phone: str | None) -> str:
    """Keep the first three and the last four characters: 138****5678."""
    phone = normalize_phone(phone)
    if len(phone) > 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "*" * len(phone)
