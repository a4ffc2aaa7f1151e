"""``mca-tui check-code CODE...``: validate and explain identifiers."""

from __future__ import annotations

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("check-code", help=t("cli.check_code_help"))
    p.add_argument("codes", nargs="+", metavar="CODE")
    p.set_defaults(handler=run)


def explain(raw: str) -> tuple[bool, list[str]]:
    """(valid, lines) for one pasted code of any supported kind."""
    from mca_tui.domain import identifiers as ids

    kind = ids.identify(raw) or "uscc"
    info: ids.IdNumberInfo | ids.OrgCodeInfo | ids.USCCInfo
    if kind == "id_number":
        info = ids.validate_id_number(raw)
        what = t("code.kind.id_number")
        if info.valid and info.birth_date:
            what += " " + t("cli.check_code_birth", date=info.birth_date.isoformat())
    elif kind == "org_code":
        info = ids.validate_org_code(raw)
        what = t("code.kind.org_code")
    else:
        info = ids.validate_uscc(raw)
        what = t("code.kind.uscc")
        if info.department:
            what += " " + info.describe()
    code = getattr(info, "code", None) or getattr(info, "number", raw)
    status = t("cli.check_code_valid") if info.valid else t("cli.check_code_invalid")
    lines = [f"{code}  {status}  {what}"]
    lines += [f"    - {p.message()}" for p in info.problems]
    return info.valid, lines


def run(rt) -> int:  # noqa: ANN001
    ok = True
    for raw in rt.args.codes:
        valid, lines = explain(raw)
        ok = ok and valid
        print("\n".join(lines))
    return 0 if ok else 1
