"""``mca-tui user add|passwd|list|disable|enable``."""

from __future__ import annotations

import getpass
import sys

from mca_tui.i18n import t


def register(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("user", help=t("cli.user_help"))
    us = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = us.add_parser("add", help=t("cli.user_add_help"))
    a.add_argument("username")
    a.add_argument("--name", default="", help=t("cli.user_name_help"))
    a.add_argument("--role", action="append", required=True,
                   help="clerk | reviewer | approver | enforcement | admin")
    a.add_argument("--password-stdin", action="store_true", help=t("cli.password_stdin_help"))
    a.set_defaults(handler=run_add)
    pw = us.add_parser("passwd", help=t("cli.user_passwd_help"))
    pw.add_argument("username")
    pw.add_argument("--password-stdin", action="store_true", help=t("cli.password_stdin_help"))
    pw.set_defaults(handler=run_passwd)
    ls = us.add_parser("list", help=t("cli.user_list_help"))
    ls.set_defaults(handler=run_list)
    d = us.add_parser("disable", help=t("cli.user_disable_help"))
    d.add_argument("username")
    d.set_defaults(handler=lambda rt: run_disable(rt, True))
    e = us.add_parser("enable", help=t("cli.user_enable_help"))
    e.add_argument("username")
    e.set_defaults(handler=lambda rt: run_disable(rt, False))
    u = us.add_parser("unlock", help=t("user.unlock_help"))
    u.add_argument("username")
    u.set_defaults(handler=run_unlock)


def _password(args) -> str:  # noqa: ANN001
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(t("cli.password_prompt"))
    if getpass.getpass(t("cli.password_again")) != first:
        raise SystemExit(t("cli.password_mismatch"))
    return first


def run_add(rt) -> int:  # noqa: ANN001
    from mca_tui.services import users

    roles = [r for spec in rt.args.role for r in spec.split(",") if r]
    info = users.add_user(rt.context(), rt.args.username, rt.args.name, _password(rt.args), roles)
    print(t("cli.user_added", username=info.username))
    return 0


def run_passwd(rt) -> int:  # noqa: ANN001
    from mca_tui.services import users

    users.set_password(rt.context(), rt.args.username, _password(rt.args))
    print(t("cli.password_changed", username=rt.args.username))
    return 0


def run_list(rt) -> int:  # noqa: ANN001
    from mca_tui.i18n import label
    from mca_tui.services import users

    for u in users.list_users(rt.context()):
        roles = "、".join(label(r) for r in u.roles)
        state = t("cli.user_disabled") if u.disabled else ""
        print(f"{u.username}\t{u.display_name}\t{roles}\t{state}".rstrip())
    return 0


def run_disable(rt, disabled: bool) -> int:  # noqa: ANN001
    from mca_tui.services import users

    users.set_disabled(rt.context(), rt.args.username, disabled)
    print(t("cli.user_disabled_done" if disabled else "cli.user_enabled_done",
            username=rt.args.username))
    return 0


def run_unlock(rt) -> int:  # noqa: ANN001
    from mca_tui.services import users

    users.unlock(rt.context(), rt.args.username)
    print(t("user.unlocked", username=rt.args.username))
    return 0
