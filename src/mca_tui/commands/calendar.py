"""``mca-tui calendar``: holidays and make-up working days the library does not know.

    mca-tui calendar show [YEAR]           the year's overrides and whether it is known
    mca-tui calendar holiday DATE [DATE2] [--note 春节]   declare holidays (a range)
    mca-tui calendar workday DATE [--note 调休]          declare a make-up working day
    mca-tui calendar clear DATE            remove an override
    mca-tui calendar complete YEAR         all of YEAR's holidays are entered
    mca-tui calendar deadline DATE N [--working]   N (working) days after DATE
"""

from __future__ import annotations

from datetime import date, timedelta

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("calendar", help=t("calendar.help"))
    c = p.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    show = c.add_parser("show", help=t("calendar.show_help"))
    show.add_argument("year", nargs="?", type=int)
    show.set_defaults(handler=run_show)
    for name, working in (("holiday", False), ("workday", True)):
        a = c.add_parser(name, help=t(f"calendar.{name}_help"))
        a.add_argument("day", type=date.fromisoformat, metavar="YYYY-MM-DD")
        a.add_argument("until", nargs="?", type=date.fromisoformat, metavar="YYYY-MM-DD")
        a.add_argument("--note", default="")
        a.set_defaults(handler=run_set, working=working)
    clear = c.add_parser("clear", help=t("calendar.clear_help"))
    clear.add_argument("day", type=date.fromisoformat, metavar="YYYY-MM-DD")
    clear.set_defaults(handler=run_clear)
    comp = c.add_parser("complete", help=t("calendar.complete_help"))
    comp.add_argument("year", type=int)
    comp.add_argument("--undo", action="store_true")
    comp.set_defaults(handler=run_complete)
    dl = c.add_parser("deadline", help=t("calendar.deadline_help"))
    dl.add_argument("start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    dl.add_argument("days", type=int)
    dl.add_argument("--working", action="store_true")
    dl.set_defaults(handler=run_deadline)


def run_show(rt) -> int:  # noqa: ANN001
    from mca_tui.services import calendar_admin

    ctx = rt.context()
    year = rt.args.year or ctx.today().year
    cal = ctx.calendar
    state = t("calendar.known") if cal.knows(year) else t("calendar.unknown", year=year)
    print(f"{year}: {state}")
    for o in calendar_admin.list_overrides(ctx, year):
        kind = t("calendar.workday") if o.working else t("calendar.holiday")
        print(f"  {o.day.isoformat()}  {kind}  {o.note}".rstrip())
    return 0


def run_set(rt) -> int:  # noqa: ANN001
    from mca_tui.services import calendar_admin

    ctx = rt.context()
    day, until = rt.args.day, rt.args.until or rt.args.day
    n = 0
    while day <= until:
        calendar_admin.set_day(ctx, day, rt.args.working, rt.args.note)
        day += timedelta(days=1)
        n += 1
    print(t("calendar.set_done", count=n))
    return 0


def run_clear(rt) -> int:  # noqa: ANN001
    from mca_tui.services import calendar_admin

    done = calendar_admin.clear_day(rt.context(), rt.args.day)
    print(t("calendar.cleared" if done else "calendar.nothing_to_clear"))
    return 0


def run_complete(rt) -> int:  # noqa: ANN001
    from mca_tui.services import calendar_admin

    calendar_admin.mark_year_complete(rt.context(), rt.args.year, not rt.args.undo)
    print(t("calendar.complete_done" if not rt.args.undo else "calendar.incomplete_done",
            year=rt.args.year))
    return 0


def run_deadline(rt) -> int:  # noqa: ANN001
    ctx = rt.context()
    unit = "working_days" if rt.args.working else "days"
    d = ctx.calendar.deadline(rt.args.start, rt.args.days, unit, rule="calendar.custom_rule",
                              article="")
    line = t("calendar.deadline_result", due=d.due.isoformat())
    if d.rolled_from:
        line += " " + t("calendar.rolled", nominal=d.rolled_from.isoformat())
    if d.provisional:
        line += " " + d.provisional_note()
    print(line)
    return 0
