"""Command line: ``mca-tui [--db PATH|URL] [--demo] [--lang zh|en] [COMMAND ...]``.

Without a command it starts the terminal UI. Sub-commands live in ``mca_tui.commands``
(one module each, discovered at start, each importing its heavy parts lazily). They act
as the operating-system user who runs them, recorded as such in the audit trail.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import time
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler

from mca_tui import __version__
from mca_tui import config as cfg
from mca_tui.i18n import normalize_language, set_language, t

log = logging.getLogger("mca_tui")


def setup_logging(verbose: bool = False) -> str:
    """Log to a rotating file in the platformdirs log dir; returns its path."""
    folder = cfg.log_dir()
    path = folder / "mca-tui.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:  # a log folder we may not write: run without a log file, no traceback
        return os.devnull
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, RotatingFileHandler)]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return str(path)


@dataclass
class Runtime:
    """What a sub-command needs: the resolved database and settings, opened lazily."""

    args: argparse.Namespace
    settings: cfg.Settings
    db_target: str
    demo: bool
    _db: object = None
    _ctx: object = None

    def database(self):  # noqa: ANN201 - storage.engine.Database
        if self._db is None:
            from mca_tui.storage.engine import Database

            # creating a registry is explicit: the app's first start, ``init`` or --demo
            create = self.demo or getattr(self.args, "command", None) in (None, "init")
            self._db = Database.open(self.db_target, create=create, checked=True)
            self._db.on_busy = print_busy_notice
            if getattr(self.args, "command", None) is None and not self.demo:
                start_daily_backup(self._db, self.settings)
            if self.demo:
                from mca_tui.demo import ensure_demo

                ensure_demo(self._db, self.settings)
        return self._db

    def context(self):  # noqa: ANN201 - services.context.ServiceContext
        """The command's context: the OS account of the process (from its real uid; the
        owner of the registry file administers it), or with ``--user NAME`` that
        registry user, signed in with the password read from the terminal (or the first
        line of standard input when it is not a terminal). Events record both."""
        if self._ctx is not None:
            return self._ctx
        from dataclasses import replace

        from mca_tui.services.context import cli_context

        ctx = cli_context(self.database(), self.settings)
        username = getattr(self.args, "user", None)
        if username:
            from mca_tui.services import users

            actor = users.authenticate(ctx, username, read_sign_in_password())
            ctx = replace(ctx, actor=replace(actor))
        self._ctx = ctx
        return ctx


def busy_notice(reason: str) -> str:
    """The line shown while a write waits for the registry (``reason``: what holds it)."""
    return t("registry_file.busy_import" if reason == "import" else "registry_file.busy_wait")


def print_busy_notice(reason: str) -> None:
    print(busy_notice(reason), file=sys.stderr, flush=True)


def start_daily_backup(db, settings: cfg.Settings) -> None:  # noqa: ANN001 - Database
    """The app's first start of a day backs the registry up (``[backup]`` settings: the
    newest ``keep_daily`` kept in ``folder``, default ``<data dir>/backups``), in the
    background so that signing in does not wait for it."""
    import threading
    from datetime import date

    from mca_tui.storage.backups import daily_backup

    def work() -> None:
        try:
            daily_backup(db, settings.backups_path(), settings.backup.keep_daily, date.today())
        except Exception:  # noqa: BLE001 - a failed backup must not stop the clerk
            log.exception("daily backup failed")

    threading.Thread(target=work, name="daily-backup", daemon=True).start()


def read_sign_in_password() -> str:
    """The sign-in password: typed at the terminal without echo, else the first line of
    standard input (never an option or an environment variable)."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(t("identity.password_prompt"))
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def precheck_registry(db_target: str, *, create: bool) -> None:
    """Examine a SQLite target before the UI starts (RegistryFileError if it is wrong)."""
    from pathlib import Path

    from mca_tui.storage import registry_file
    from mca_tui.storage.engine import to_url
    from mca_tui.storage.sqlite import database_path

    path = database_path(to_url(db_target))
    if path is not None:
        registry_file.check(Path(path), create=create)


def registry_problem(exc: BaseException, db_target: str) -> str | None:
    """One line for an error that says the target is not a usable registry (wrong file,
    read-only, corrupt, busy), or None for anything else."""
    from mca_tui.storage.registry_file import RegistryFileError

    if isinstance(exc, RegistryFileError):
        return t(f"registry_file.{exc.kind}", path=str(exc.path), detail=exc.detail)
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(cause, sqlite3.Error):
        return None
    text = str(cause).lower()
    if "readonly" in text or "read-only" in text:
        return t("registry_file.write_refused", path=db_target)
    if "locked" in text or "busy" in text:
        return t("registry_file.busy", path=db_target)
    if "malformed" in text or "not a database" in text or "disk i/o" in text:
        return t("registry_file.corrupt", path=db_target, detail=str(cause))
    return None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mca-tui", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"mca-tui {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", help=t("cli.opt_db"))
    parser.add_argument("--demo", action="store_true", help=t("cli.opt_demo"))
    parser.add_argument("--lang", metavar="zh|en", help=t("cli.opt_lang"))
    parser.add_argument("--config", metavar="FILE", help=t("cli.opt_config"))
    parser.add_argument("--user", metavar="NAME", help=t("identity.opt_user"))
    parser.add_argument("--verbose", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import mca_tui.commands as commands_pkg

    for info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"mca_tui.commands.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def _pre_language(argv: list[str]) -> str | None:
    """Read --lang before building the parser so that its help is translated."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command (or the terminal UI). Every file and folder it creates — the
    registry and its -wal/-shm, logs, backups, exports, documents, receipts — is
    readable by its owner only (umask 077, restored on return)."""
    if not hasattr(os, "umask"):  # pragma: no cover - no umask: the folder's ACL applies
        return _main(argv)
    previous = os.umask(0o077)
    try:
        return _main(argv)
    finally:
        os.umask(previous)


def _main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--version"]:
        print(f"mca-tui {__version__}")
        return 0
    try:
        pre = _pre_language(argv)
        if pre:
            set_language(normalize_language(pre))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.config:
        os.environ[cfg.ENV_CONFIG] = args.config
    log_path = setup_logging(args.verbose)
    try:
        settings = cfg.load_settings()
    except cfg.SettingsError as exc:
        print(t("cli.bad_settings", error=str(exc)), file=sys.stderr)
        return 2
    lang = normalize_language(args.lang or settings.ui.language)
    set_language(lang)
    settings = cfg.with_language(settings, lang)
    runtime = Runtime(args=args, settings=settings,
                      db_target=cfg.resolve_db(args.db, args.demo), demo=args.demo)
    try:
        if args.command is None:
            from mca_tui.ui.app import run_app

            precheck_registry(runtime.db_target, create=True)
            return run_app(runtime, started)
        code = int(args.handler(runtime) or 0)
        sys.stdout.flush()  # a closed pipe shows here, while BrokenPipeError is handled
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # output piped into `head`: end quietly (and keep Python from complaining at exit)
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - the clerk sees a plain message
        from mca_tui.services.errors import ServiceError

        if isinstance(exc, ServiceError):
            print(exc.message(), file=sys.stderr)
            return 1
        line = registry_problem(exc, runtime.db_target)
        if line is not None:
            log.warning("%s: %s", args.command or "ui", line)
            print(line, file=sys.stderr)
            return 2
        log.exception("unexpected error in %s", args.command or "ui")
        print(t("cli.unexpected_error", error=type(exc).__name__, log=log_path), file=sys.stderr)
        return 2
