"""Identifiers: GB 32100-2015 (USCC), GB 11714-1997 (organization code), GB 11643-1999
(resident ID number). Vectors from domain.md §11.4."""

from __future__ import annotations

import random
import re
import tomllib
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from mca_tui import i18n
from mca_tui.domain import identifiers, money
from mca_tui.domain.enums import OrgType
from mca_tui.domain.identifiers import (
    CATEGORY_NAMES,
    DEPARTMENT_NAMES,
    MIN_BIRTH_DATE,
    PROBLEM_KINDS,
    USCC_CHARS,
    CodeProblem,
    build_uscc,
    identify,
    kind_label,
    mask_id_number,
    mask_phone,
    org_code_check_char,
    uscc_check_char,
    validate_id_number,
    validate_org_code,
    validate_uscc,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "mca_tui"
TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def _chinese():
    before = i18n.get_language()
    i18n.set_language("zh")
    yield
    i18n.set_language(before)


def kinds(info) -> list[str]:
    return [p.kind for p in info.problems]


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def id_with_check(first17: str) -> str:
    """An ID number completed with its check character, computed here independently."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


# --- §11.4 verification vectors ---------------------------------------------------------


def test_worked_example_51310110501144395U():
    info = validate_uscc("51310110501144395U")
    assert info.valid and info.problems == ()
    assert info.code == "51310110501144395U"
    assert info.department == "5"
    assert info.category == "1"
    assert info.org_type is OrgType.SOCIAL_GROUP
    assert info.division == "310110"
    assert info.org_code == "501144395"
    assert uscc_check_char("51310110501144395") == "U"
    assert org_code_check_char("50114439") == "5"
    org = validate_org_code("50114439-5")
    assert org.valid and org.code == "501144395" and org.display == "50114439-5"


def test_fujian_enterprise_91350100M000100Y43():
    info = validate_uscc("91350100M000100Y43")
    assert info.valid
    assert info.department == "9" and info.org_type is None
    assert info.division == "350100" and info.org_code == "M000100Y4"
    assert validate_org_code(info.org_code).valid


@pytest.mark.parametrize(
    ("code", "expected"),
    [("91350100M0001TGQXM", "1"), ("91350211M0000XUF46", "R"), ("91350203M0001FUE2P", "J")],
)
def test_early_pilot_codes_fail_only_the_uscc_check(code, expected):
    info = validate_uscc(code)
    assert not info.valid
    assert info.problems == (CodeProblem("check_mismatch", 18, code[17], expected),)
    assert uscc_check_char(code[:17]) == expected
    assert validate_org_code(code[8:17]).valid
    assert info.division == code[2:8]


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", date(1949, 12, 31), "female"),
        ("440524188001010014", date(1880, 1, 1), "male"),
    ],
)
def test_id_number_vectors(number, birth, sex):
    info = validate_id_number(number)
    assert info.valid and info.problems == ()
    assert info.number == number
    assert info.birth_date == birth
    assert info.sex == sex
    assert info.region == number[:6]


@pytest.mark.parametrize(
    ("code", "org_type", "division"),
    [
        ("52350205MJ0000018D", OrgType.PRIVATE_NON_ENTERPRISE, "350205"),
        ("51350205MJ0000026B", OrgType.SOCIAL_GROUP, "350205"),
        ("53350000MJ0000034D", OrgType.FOUNDATION, "350000"),
    ],
)
def test_synthetic_haicang_codes(code, org_type, division):
    info = validate_uscc(code)
    assert info.valid
    assert info.org_type is org_type
    assert info.category == org_type.uscc_category
    assert info.division == division
    assert build_uscc(org_type.uscc_category, division, code[8:16]) == code


# --- normalisation of the input -------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "５１３１０１１０５０１１４４３９５Ｕ",
        "５１３１ ０１１０\u3000５０１１ ４４３９\u3000５Ｕ",
        "  51310110501144395u  ",
        "5131-0110-5011-4439-5U",
        "513101105\t01144395U\n",
        "51310110\u00a0501144395U",
    ],
)
def test_uscc_input_is_normalised(raw):
    info = validate_uscc(raw)
    assert info.valid
    assert info.code == "51310110501144395U"


def test_lowercase_and_fullwidth_id_number():
    assert validate_id_number("11010519491231002x").valid
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"


# --- each problem kind ------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", None, "   \u3000 ", "-"])
def test_empty(raw):
    for validate in (validate_uscc, validate_org_code, validate_id_number):
        info = validate(raw)
        assert not info.valid
        assert info.problems == (CodeProblem("empty"),)


def test_uscc_length():
    info = validate_uscc("51310110501144395")
    assert info.problems == (CodeProblem("length", None, "17", "18"),)
    assert info.division is None and info.org_type is None
    assert validate_uscc("51310110501144395UU").problems == (
        CodeProblem("length", None, "19", "18"),
    )


@pytest.mark.parametrize(
    ("raw", "position", "found", "expected"),
    [
        ("5I310110501144395U", 2, "I", identifiers._USCC_SET),
        ("51O10110501144395U", 3, "O", "0-9"),  # positions 3-8: digits only
        ("513101A0501144395U", 7, "A", "0-9"),
        ("51310110S01144395U", 9, "S", identifiers._USCC_SET),
        ("5131011050114439ZU", 17, "Z", identifiers._USCC_SET),
        ("51310110501144395V", 18, "V", identifiers._USCC_SET),
        ("51310110501144395中", 18, "中", identifiers._USCC_SET),
    ],
)
def test_uscc_illegal_char(raw, position, found, expected):
    info = validate_uscc(raw)
    assert not info.valid
    assert info.problems[0] == CodeProblem("illegal_char", position, found, expected)
    assert kinds(info).count("illegal_char") == 1


def test_uscc_only_the_first_illegal_char_is_reported():
    info = validate_uscc("5IO1011050114439SV")
    assert [p for p in info.problems if p.kind == "illegal_char"] == [
        CodeProblem("illegal_char", 2, "I", identifiers._USCC_SET)
    ]


def test_uscc_illegal_char_and_wrong_length_together():
    info = validate_uscc("51O1011050114439")
    assert kinds(info) == ["illegal_char", "length"]
    assert info.problems[0].position == 3


def test_uscc_illegal_check_char_also_tells_the_expected_one():
    info = validate_uscc("51310110501144395O")
    assert kinds(info) == ["illegal_char", "check_mismatch"]
    assert info.problems[1] == CodeProblem("check_mismatch", 18, "O", "U")


def test_uscc_check_mismatch():
    info = validate_uscc("51310110501144395A")
    assert info.problems == (CodeProblem("check_mismatch", 18, "A", "U"),)
    # The parts are still decoded for display.
    assert info.org_type is OrgType.SOCIAL_GROUP and info.division == "310110"


def test_uscc_org_code_and_uscc_check_both_wrong():
    # Position 17 mistyped: both check characters disagree, both are reported.
    info = validate_uscc("51310110501144394U")
    assert info.problems == (
        CodeProblem("org_code_check_mismatch", 17, "4", "5"),
        CodeProblem("check_mismatch", 18, "U", uscc_check_char("51310110501144394")),
    )


def test_uscc_org_code_check_mismatch_alone():
    code = with_uscc_check("51350205MJ0000019")  # org check should be 8
    info = validate_uscc(code)
    assert info.problems == (CodeProblem("org_code_check_mismatch", 17, "9", "8"),)


def test_unknown_department():
    code = build_uscc("1", "350205", "MJ000001", department="0")
    info = validate_uscc(code)
    assert info.problems == (CodeProblem("unknown_department", 1, "0", "1 2 3 4 5 6 7 8 9 A N Y"),)
    assert info.org_type is None


@pytest.mark.parametrize("category", ["4", "0", "A"])
def test_unknown_category_under_civil_affairs(category):
    info = validate_uscc(build_uscc(category, "350205", "MJ000001"))
    assert info.problems == (CodeProblem("unknown_category", 2, category, "1 2 3 9"),)
    assert info.org_type is None


def test_other_category_is_valid_but_has_no_org_type():
    info = validate_uscc(build_uscc("9", "350205", "MJ000001"))
    assert info.valid and info.org_type is None


def test_categories_of_other_departments_are_not_checked():
    assert validate_uscc(build_uscc("4", "350205", "MA000001", department="9")).valid


def test_bad_region():
    info = validate_uscc(build_uscc("1", "990205", "MJ000001"))
    assert info.problems == (CodeProblem("bad_region", 3, "990205"),)
    # National organizations registered with the MCA carry 100000.
    assert validate_uscc(build_uscc("1", "100000", "50000000")).valid


def test_org_code_problems():
    assert validate_org_code("50114439-4").problems == (CodeProblem("check_mismatch", 9, "4", "5"),)
    assert validate_org_code("5011443").problems == (CodeProblem("length", None, "7", "9"),)
    info = validate_org_code("50114439A")
    assert info.problems == (
        CodeProblem("illegal_char", 9, "A", "0-9 X"),
        CodeProblem("check_mismatch", 9, "A", "5"),  # the clerk also learns the right one
    )
    # A standalone organization code may use any letter (the USCC charset limit does not apply).
    body = "IOZSVABC"
    assert validate_org_code(body + org_code_check_char(body)).valid
    assert validate_org_code("5011-4439中").problems[0] == CodeProblem(
        "illegal_char", 9, "中", "0-9 X"
    )


def test_org_code_check_char_hand_computed():
    # M=22, J=19: 22*3 + 19*7 + 1*2 = 201; 201 mod 11 = 3; 11 - 3 = 8.
    assert org_code_check_char("MJ000001") == "8"
    assert org_code_check_char("00000006") == "X"  # 12 mod 11 = 1 -> 10 -> X
    assert org_code_check_char("00000000") == "0"  # 0 mod 11 = 0 -> 11 -> 0
    assert org_code_check_char("00000005") == "1"
    assert org_code_check_char("0000000Z") == str(11 - 70 % 11)  # Z = 35, weight 2


def test_uscc_check_char_edge_values():
    assert uscc_check_char("0" * 17) == "0"  # 31 - 0 = 31 -> 0
    # Sum 1 (a single 1 at position 1): 31 - 1 = 30 -> Y.
    assert uscc_check_char("1" + "0" * 16) == "Y"
    assert uscc_check_char("A" + "0" * 16) == USCC_CHARS[31 - 10]


@pytest.mark.parametrize("bad", ["", "5131011050114439", "5131011050114439O", "513101105011443955"])
def test_check_char_functions_reject_bad_input(bad):
    with pytest.raises(ValueError):
        uscc_check_char(bad)


@pytest.mark.parametrize("bad", ["", "5011443", "501144390", "5011443-", "5011443a"])
def test_org_check_char_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        org_code_check_char(bad)


def test_id_number_illegal_chars_and_length():
    info = validate_id_number("1101051949123100X2")
    assert info.problems == (CodeProblem("illegal_char", 17, "X", "0-9"),)
    info = validate_id_number("11010519491231002Y")
    assert info.problems == (CodeProblem("illegal_char", 18, "Y", "0-9 X"),)
    info = validate_id_number("11010519O91231002X")
    assert info.problems[0] == CodeProblem("illegal_char", 9, "O", "0-9")
    # An old 15-digit number is reported as a length problem.
    assert validate_id_number("110105491231002").problems == (
        CodeProblem("length", None, "15", "18"),
    )
    assert info.birth_date is None and info.sex is None


def test_id_number_check_mismatch():
    info = validate_id_number("110105194912310021")
    assert info.problems == (CodeProblem("check_mismatch", 18, "1", "X"),)
    # Birth date and sex are still decoded.
    assert info.birth_date == date(1949, 12, 31) and info.sex == "female"


@pytest.mark.parametrize(
    "birth",
    ["19490230", "19491301", "19490000", "18491231", "20250602", "99999999"],
)
def test_id_number_bad_birth_date(birth):
    number = id_with_check("350205" + birth + "123")
    info = validate_id_number(number, today=TODAY)
    assert info.problems == (CodeProblem("bad_birth_date", 7, birth, "1850-01-01~2025-06-01"),)
    assert info.birth_date is None


@pytest.mark.parametrize("birth", ["18500101", "20000229", "20250601"])
def test_id_number_birth_date_bounds(birth):
    info = validate_id_number(id_with_check("350205" + birth + "123"), today=TODAY)
    assert info.valid
    assert info.birth_date.strftime("%Y%m%d") == birth
    assert date(1850, 1, 1) == MIN_BIRTH_DATE


def test_id_number_bad_region():
    info = validate_id_number(id_with_check("00020519900101123"))
    assert info.problems == (CodeProblem("bad_region", 1, "000205"),)
    assert validate_id_number(id_with_check("83000019900101123")).valid  # Taiwan permit


def test_id_number_sex_from_position_17():
    assert validate_id_number(id_with_check("35020519900101123")).sex == "male"
    assert validate_id_number(id_with_check("35020519900101124")).sex == "female"


def test_id_number_several_problems_at_once():
    info = validate_id_number("000205" + "19491331" + "0021")
    assert kinds(info)[:2] == ["bad_region", "bad_birth_date"]


def test_all_problem_kinds_are_covered():
    seen = set()
    for info in (
        validate_uscc(""),
        validate_uscc("5131"),
        validate_uscc("5I310110501144395U"),
        validate_uscc("51310110501144394U"),
        validate_uscc(build_uscc("1", "350205", "MJ000001", department="0")),
        validate_uscc(build_uscc("4", "990205", "MJ000001")),
        validate_id_number("110105194913310021"),
    ):
        seen.update(kinds(info))
    assert seen == set(PROBLEM_KINDS)


# --- building ---------------------------------------------------------------------------


def test_build_uscc_round_trips_for_many_bodies():
    rng = random.Random(32100)
    org_checks = set()
    for _ in range(2000):
        body = "".join(rng.choice(USCC_CHARS) for _ in range(8))
        category = rng.choice("1239")
        division = rng.choice(["350205", "350200", "350000", "100000", "310110"])
        code = build_uscc(category, division, body)
        info = validate_uscc(code)
        assert info.valid, (code, info.problems)
        assert info.org_code == body + org_code_check_char(body)
        assert validate_org_code(info.org_code).valid
        assert info.org_type == {"1": OrgType.SOCIAL_GROUP, "2": OrgType.PRIVATE_NON_ENTERPRISE,
                                 "3": OrgType.FOUNDATION, "9": None}[category]  # fmt: skip
        org_checks.add(code[16])
    assert {"X", "0"} <= org_checks  # the two special cases of GB 11714 occurred


def test_build_uscc_normalises_its_arguments():
    assert build_uscc("２", "３５０２０５", "mj000001") == "52350205MJ0000018D"
    assert build_uscc(OrgType.FOUNDATION.uscc_category, "350000", "MJ000003") == (
        "53350000MJ0000034D"
    )


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("1", "350205", "MJ00000I"), {}),  # I is not in the USCC charset
        (("1", "350205", "OJ000001"), {}),
        (("1", "350205", "MJ00001"), {}),
        (("1", "350205", "MJ0000012"), {}),
        (("1", "35020A", "MJ000001"), {}),
        (("1", "35020", "MJ000001"), {}),
        (("12", "350205", "MJ000001"), {}),
        (("1", "350205", "MJ000001"), {"department": "Z"}),
        (("", "350205", "MJ000001"), {}),
    ],
)
def test_build_uscc_rejects_bad_parts(args, kwargs):
    with pytest.raises(ValueError):
        build_uscc(*args, **kwargs)


# --- identify, describe, masking ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("51310110501144395U", "uscc"),
        ("５１３１０１１０５０１１４４３９５ｕ", "uscc"),
        ("51350205MJ0000026", "uscc"),  # too short, still a USCC to explain
        ("91350100M0001TGQXM", "uscc"),
        ("50114439-5", "org_code"),
        ("501144395", "org_code"),
        ("11010519491231002X", "id_number"),
        ("11010519491231002x", "id_number"),
        ("440524188001010014", "id_number"),
        ("110105194912310021", "id_number"),  # wrong check, still an ID number
        ("11010519491231002", "id_number"),
        ("110105491231002", "id_number"),  # old 15-digit number
        ("", None),
        (None, None),
        ("hello", None),
        ("海沧区书法协会", None),
        ("123", None),
    ],
)
def test_identify(raw, kind):
    assert identify(raw) == kind


def test_identify_all_digit_uscc():
    # An all-digit USCC fits both shapes: the check that passes decides.
    rng = random.Random(11643)
    for _ in range(5000):
        body = "".join(rng.choice("0123456789") for _ in range(8))
        code = build_uscc("1", "350205", body)
        if code.isdigit() and not validate_id_number(code).valid:
            assert identify(code) == "uscc"
            break
    else:  # pragma: no cover
        pytest.fail("no all-digit USCC found")


def test_kind_labels():
    assert kind_label("uscc", "zh") == "统一社会信用代码"
    assert kind_label("org_code", "zh") == "组织机构代码"
    assert kind_label("id_number", "zh") == "公民身份号码"
    assert kind_label("uscc", "en") == "unified social credit code"


def test_describe():
    assert validate_uscc("51350205MJ0000026B").describe() == "民政 / 社会团体 / 行政区划 350205"
    assert validate_uscc("52350205MJ0000018D").describe("zh") == (
        "民政 / 民办非企业单位 / 行政区划 350205"
    )
    assert validate_uscc("53350000MJ0000034D").describe("en") == (
        "Civil affairs / Foundation / division 350000"
    )
    assert (
        validate_uscc("91350100M000100Y43").describe() == "工商/市场监管 / 类别 1 / 行政区划 350100"
    )
    unknown = validate_uscc(build_uscc("1", "350205", "MJ000001", department="0")).describe()
    assert unknown == "未知（0） / 未知（1） / 行政区划 350205"
    assert validate_uscc(build_uscc("4", "350205", "MJ000001")).describe() == (
        "民政 / 未知（4） / 行政区划 350205"
    )
    assert validate_uscc("5131").describe() == "代码不完整，无法解析"
    assert validate_uscc("5131").describe("en") == "Incomplete code, cannot be decoded"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("350205199001011234", "350205********1234"),
        ("11010519491231002x", "110105********002X"),
        ("３５０２０５ １９９００１０１１２３４", "350205********1234"),
        ("110105491231002", "110105*****1002"),
        ("12345678", "****5678"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0592-1234567", "059*****4567"),
        ("1234567", "***4567"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


# --- messages ----------------------------------------------------------------------------


def test_messages_name_position_found_and_expected():
    info = validate_uscc("51310110501144395A")
    assert info.messages() == [
        "校验码错误：第 18 位应为 U，实际为 A。通常是前面某一位录错了，请逐位核对原件"
    ]
    en = info.messages("en")[0]
    assert "position 18" in en and "U" in en and "A" in en

    illegal = validate_uscc("5131011050114439#U").problems[0]
    assert illegal.message() == (
        "第 17 位的字符「#」不允许出现在这里，这一位只能是 0-9 A-H J-N P Q R T U W X Y。"
        "请对照原件重新输入"
    )
    org = validate_uscc("51310110501144394U").problems[0].message()
    assert "第 17 位应为 5，实际为 4" in org and "组织机构代码" in org


def test_confusable_letters_get_a_hint():
    message = validate_uscc("51310110501144395O").problems[0].message()
    assert "「O」" in message and "I、O、Z、S、V" in message
    # No hint for a character that is not one of the five letters.
    message = validate_uscc("5131011050114439#U").problems[0].message()
    assert "I、O、Z、S、V" not in message
    assert "I, O, Z, S, V" in CodeProblem("illegal_char", 3, "O", "0-9").message("en")


def test_birth_date_message():
    info = validate_id_number(id_with_check("35020519490230123"), today=TODAY)
    assert info.messages() == [
        "第 7 位起的出生日期「19490230」无效：应为 1850-01-01~2025-06-01 之间的真实日期"
        "（格式 YYYYMMDD），请核对"
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", PROBLEM_KINDS)
def test_every_problem_message_is_complete(kind, lang):
    problem = CodeProblem(kind, 5, "Q", "W")
    text = problem.message(lang)
    assert text and not re.search(r"[{}]", text)
    assert not text.startswith("code.")
    if kind not in ("empty", "length"):
        assert "5" in text and "Q" in text
    bare = CodeProblem(kind).message(lang)
    assert bare and "None" not in bare and "{" not in bare


# --- catalogs -----------------------------------------------------------------------------


def _flat(prefix: str, table: dict, out: dict[str, str]) -> dict[str, str]:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flat(full, value, out)
        else:
            out[full] = value
    return out


def _file(lang: str) -> dict[str, str]:
    path = SRC / "locale" / lang / "identifiers.toml"
    return _flat("", tomllib.loads(path.read_text(encoding="utf-8")), {})


def _used_keys() -> set[str]:
    keys = set(identifiers.MESSAGE_KEYS) | set(money.MESSAGE_KEYS)
    # Literal keys in the sources, so a key added in code cannot miss the catalogs.
    for name in ("identifiers.py", "money.py", "text.py"):
        source = (SRC / "domain" / name).read_text(encoding="utf-8")
        keys |= set(re.findall(r"\"((?:code|money)\.[a-z_]+(?:\.[a-z_0-9A-Z]+)*)\"", source))
    return keys


def test_all_used_keys_exist_in_both_catalogs():
    used = _used_keys()
    assert {f"code.problem.{kind}" for kind in PROBLEM_KINDS} <= used
    assert set(DEPARTMENT_NAMES.values()) <= used
    assert {"code.category.5.1", "code.category.5.2", "code.category.5.3"} <= used
    assert set(CATEGORY_NAMES["5"].values()) <= used
    for lang in ("zh", "en"):
        catalog = i18n.catalog(lang)
        missing = sorted(key for key in used if key not in catalog)
        assert not missing, (lang, missing)


def test_zh_and_en_files_have_the_same_keys_and_placeholders():
    zh, en = _file("zh"), _file("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_catalog_values_avoid_ambiguous_width_symbols():
    for lang in ("zh", "en"):
        for key, value in _file(lang).items():
            ambiguous = [c for c in value if unicodedata.east_asian_width(c) == "A"]
            assert not ambiguous, (lang, key, ambiguous)


def test_department_names():
    assert i18n.t(DEPARTMENT_NAMES["5"], "zh") == "民政"
    assert i18n.t(DEPARTMENT_NAMES["9"], "zh") == "工商/市场监管"
    assert i18n.t(DEPARTMENT_NAMES["1"], "zh") == "机构编制"
    assert i18n.t(DEPARTMENT_NAMES["Y"], "zh") == "其他"
    assert [i18n.t(CATEGORY_NAMES["5"][c], "zh") for c in "1239"] == [
        "社会团体",
        "民办非企业单位",
        "基金会",
        "其他",
    ]
