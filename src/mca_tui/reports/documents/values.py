"""The values a document is filled with: dates, amounts (one rule), quotation marks,
lists of items and the words for codes, in the document language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from mca_tui.reports.documents.kinds import _PLACEHOLDER, DEFAULT_LANGUAGE
from mca_tui.reports.documents.templates import builtin_template, vocabulary, word


def format_date(d: date) -> str:
    """成文日期 style: Arabic numerals, no padding (2026年11月28日)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _exact(n: int, unit: int) -> str:
    whole, rest = divmod(n, unit)
    width = len(str(unit)) - 1
    frac = f"{rest:0{width}d}".rstrip("0") if rest else ""
    return f"{whole:,}" + (f".{frac}" if frac else "")


def format_amount(fen: int) -> str:
    """One standard for every amount (see the module docstring): 3万元, 8,000元, 1.2亿元."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if fen >= 100_000_000 * 100:
        return f"{sign}{_exact(fen, 100_000_000 * 100)}亿元"
    if fen >= 10_000 * 100:
        return f"{sign}{_exact(fen, 10_000 * 100)}万元"
    return f"{sign}{_exact(fen, 100)}元"


def chinese_quotes(text: str) -> str:
    """「」/『』 and straight double quotes become “ ” (GB/T 15834)."""
    text = text.replace("「", "“").replace("」", "”").replace("『", "‘").replace("』", "’")
    if '"' in text:
        parts = text.split('"')
        text = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1]))
        text += parts[-1]
    return text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return format_date(date.fromisoformat(value))
    return chinese_quotes(str(value))


_LEADING_NUMBER = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）、.．]\s*)")


def _item_text(item: object, lang: str) -> str:
    """A list item: text as given, or a catalog message ``{"message": key, "params": {},
    "article": …}`` (e.g. an eligibility finding) in the document language."""
    if isinstance(item, (date, datetime)):
        return _text(item)
    if not isinstance(item, Mapping):
        return str(item)
    from mca_tui.i18n import normalize_language, t

    catalog = normalize_language(lang)
    text = t(str(item.get("message", "")), catalog, **dict(item.get("params") or {}))
    if item.get("article"):
        text += vocabulary(lang)["phrase"]["basis"].format(article=item["article"])
    return text


def split_items(value: object, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """A list of items from a list, or from text with one item per line (or items
    separated by ；); numbering typed by the user ("1." "一、" "（2）") is dropped,
    the renderer numbers the items itself; each item ends with ；, the last with 。."""
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        raw = [_item_text(v, lang) for v in value if v not in (None, "")]
    else:
        text = str(value).strip()
        raw = text.splitlines()
        if len(raw) == 1:
            raw = [p for p in re.split(r"[；;]", text)]
    items = [i for i in (_LEADING_NUMBER.sub("", r).strip().rstrip("；;。，,") for r in raw) if i]
    # a list reads as one sentence: items end with "；", the last with "。"
    return [i + ("。" if n == len(items) else "；") for n, i in enumerate(items, 1)]


def _changes(data: Mapping[str, object], lang: str, org_type: str) -> list[str]:
    lines = []
    given = data.get("changes")
    for change in given if isinstance(given, (list, tuple)) else []:
        if not isinstance(change, Mapping):
            continue
        item = str(change.get("item", ""))
        if item == "funds":
            label = word("funds_label", org_type or "social_group", lang)
            before = (format_amount(int(change["before_fen"]))
                      if change.get("before_fen") is not None else "")
            after = (format_amount(int(change["after_fen"]))
                     if change.get("after_fen") is not None else "")
        else:
            label = word("item", item, lang)
            before, after = change.get("before") or "", change.get("after") or ""
            if item == "direct_category":
                before, after = word("direct", before, lang), word("direct", after, lang)
            elif item == "civil_form":
                before, after = word("civil_form", before, lang), word("civil_form", after, lang)
        before, after = _text(before), _text(after)
        if before and before != after:
            lines.append(f"{label}由{before}变更为{after}。")
        elif before == after and after:
            lines.append(f"{label}{after}（人员身份信息变更）。")
        else:
            lines.append(f"{label}变更为{after}。")
    return lines


def prepare_values(kind: str, data: Mapping[str, object], *, number: str, issued_on: date,
                   office_name: str, language: str = DEFAULT_LANGUAGE,
                   ) -> dict[str, str | list[str]]:
    """The placeholder values of one document from its record: ``data`` (codes and
    parameters) plus the number, date and office. Lists stay lists (one paragraph per
    item); everything else is text in the document language."""
    lang = language
    v = vocabulary(lang)
    phrases = v.get("phrase", {})
    org_type = str(data.get("org_type") or "")
    values: dict[str, str | list[str]] = {}
    for key, value in data.items():
        if isinstance(value, (list, tuple)):
            values[key] = [_text(_item_text(x, lang)) for x in value if x not in (None, "")
                           if not isinstance(x, Mapping) or "message" in x]
        elif isinstance(value, Mapping):
            continue
        else:
            values[key] = _text(value)
    values["org_type"] = word("org_type", org_type, lang)
    reg_kind = str(data.get("registration_kind") or "establishment")
    values["registration_kind"] = word("registration_kind", reg_kind, lang)
    values["certificate_name"] = word(
        "certificate", f"{org_type}.{data.get('civil_form') or 'legal_person'}"
        if org_type == "private_non_enterprise" else org_type, lang) if org_type else ""
    values["funds_label"] = word("funds_label", org_type or "social_group", lang)
    for key, value in data.items():
        if key.endswith("_fen") and isinstance(value, int) and not isinstance(value, bool):
            values[key[:-4]] = format_amount(value)
    direct = str(data.get("direct_category") or "")
    if not data.get("supervisory_unit"):
        values["supervisory_unit"] = (word("direct", direct, lang) if direct
                                      else phrases.get("no_supervisory_unit", ""))
    basis = v.get(f"basis.{kind}.{reg_kind}", {}) or v.get(f"basis.{kind}", {})
    if not data.get("legal_basis") and org_type in basis:
        values["legal_basis"] = basis[org_type]
    values["registration_authority"] = _text(data.get("registration_authority") or office_name)
    # Kind-specific sentences, chosen here so that a Word override template can use them.
    complete = data.get("materials_complete", True) not in (False, "false", 0)
    if kind == "acceptance_notice":
        values["acceptance_finding"] = phrases["accept_complete" if complete
                                               else "accept_incomplete"]
        due = _text(data.get("decision_due"))
        values["decision_text"] = (phrases["decision_due"].format(due=due)
                                   if complete and due else phrases["decision_after_complete"])
    if kind == "correction_notice":
        values["missing_items"] = split_items(data.get("missing_items"), lang)
        values["correction_request"] = phrases["correction_due"].format(
            due=_text(data.get("correction_due")))
    if kind == "refusal_decision":
        values["reasons"] = split_items(data.get("reasons"), lang)
    if kind in ("approval_decision", "change_announcement"):
        values["change_lines"] = _changes(data, lang, org_type)
    if kind == "approval_decision":
        if reg_kind == "change":
            values["decision_sentence"] = phrases["approve_change"]
            values["registered_items"] = ""
            values["after_registration"] = (phrases["reissue_certificate"]
                                            if data.get("certificate_reissued") else "")
        else:
            values["decision_sentence"] = phrases["approve_establishment"]
            values["registered_items"] = "；".join(
                phrases[f"registered_{k}"].format(value=values[k])
                for k in ("uscc", "legal_rep", "domicile") if values.get(k)) + "。"
            values["after_registration"] = phrases["after_establishment"]
    if kind in ("credit_listing_notice", "credit_removal_notice"):
        _credit_values(values, data, kind, lang)
    if kind.startswith("dereg_") or kind == "void_announcement":
        _dereg_values(values, data, kind, lang)
    phone = _text(data.get("office_phone"))
    values["contact_line"] = phrases["contact_line"].format(phone=phone) if phone else ""
    validity = ""
    if data.get("valid_from") and data.get("valid_to"):
        validity = f"{_text(data['valid_from'])}至{_text(data['valid_to'])}"
    values["validity"] = validity
    values["number"] = number
    values["issued_on"] = format_date(issued_on)
    values["office_name"] = office_name
    values["year"] = str(issued_on.year)
    values["title"] = fill(builtin_template(kind, lang).title, values)
    return values


def _credit_values(values: dict[str, Any], data: Mapping[str, object], kind: str, lang: str) -> None:
    """Credit-list notices: list name, grounds and sentences from codes (Order 60)."""
    v = vocabulary(lang)
    list_kind = str(data.get("list_kind") or "abnormal")
    values["list_name"] = word("list_kind", list_kind, lang)
    codes = data.get("ground_codes") or []
    if isinstance(codes, (list, tuple)) and codes:
        values["grounds"] = [word(f"credit_ground.{list_kind}", c, lang) for c in codes]
    if kind == "credit_listing_notice":
        listing = v.get("credit_listing", {})
        values["restart_sentence"] = listing.get("restart", "") if data.get("restarted") else ""
        values["listing_consequence"] = listing.get(list_kind, "")
        if data.get("promoted_since") and not data.get("reason"):
            values["reason"] = listing.get("promoted_fact", "").format(
                since=_text(data.get("promoted_since")))
    else:
        values["removal_sentence"] = v.get("credit_removal", {}).get(str(data.get("way") or ""), "")


def _dereg_values(values: dict[str, Any], data: Mapping[str, object], kind: str, lang: str) -> None:
    """Deregistration documents and the void announcement: trigger, custody items and
    sentences from codes (services.deregistration, services.custody)."""
    v = vocabulary(lang)
    phrases = v.get("dereg", {})
    org_type = str(data.get("org_type") or "")
    values["trigger_text"] = word("dereg_trigger", data.get("trigger"), lang)
    if kind == "dereg_refusal_decision":
        values["reasons"] = split_items(data.get("reasons"), lang)
    if not data.get("legal_basis"):
        group = "basis.dereg_announcement" if kind == "dereg_announcement" else "basis.dereg"
        values["legal_basis"] = v.get(group, {}).get(org_type, "")
    values["late_sentence"] = (phrases.get("late", "").format(
        applied=_text(data.get("received_on")), due=_text(data.get("application_due")))
        if data.get("late") else "")
    items = data.get("custody_items")
    if isinstance(items, (list, tuple)):
        values["custody_items"] = [word("custody_item", c, lang) for c in items]
    void = data.get("void_items")
    if isinstance(void, (list, tuple)):
        lines = []
        for entry in void:
            if not isinstance(entry, Mapping):
                continue
            name = word("custody_item", entry.get("item"), lang)
            serial = str(entry.get("serial") or "")
            lines.append(phrases.get("serial", "{item}").format(item=name, serial=serial)
                         if serial else name)
        values["void_items"] = lines
    values["void_reason"] = phrases.get(f"void_reason_{data.get('reason_code')}", "")
    values["void_sentence"] = phrases.get("void_some" if data.get("custody_outstanding")
                                          else "void_none", "")


def fill(text: str, values: Mapping[str, object]) -> str:
    def one(m: re.Match[str]) -> str:
        value = values.get(m.group(1), "")
        if isinstance(value, list):
            return "；".join(value)
        return str(value)

    return _PLACEHOLDER.sub(one, text)


def numbered(items: Iterable[str]) -> list[str]:
    return [f"{i}.\t{item}" for i, item in enumerate(items, 1)]
