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
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mca-tui.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
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

    def database(self):  # noqa: ANN201 - storage.engine.Database
        if self._db is None:
            from mca_tui.storage.engine import Database

            self._db = Database.open(self.db_target)
            if self.demo:
                from mca_tui.demo import ensure_demo

                ensure_demo(self._db, self.settings)
        return self._db

    def context(self):  # noqa: ANN201 - services.context.ServiceContext
        from mca_tui.services.context import cli_context

        return cli_context(self.database(), self.settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mca-tui", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"mca-tui {__version__}")
    parser.add_argument("--db", metavar="PATH|URL", help=t("cli.opt_db"))
    parser.add_argument("--demo", action="store_true", help=t("cli.opt_demo"))
    parser.add_argument("--lang", metavar="zh|en", help=t("cli.opt_lang"))
    parser.add_argument("--config", metavar="FILE", help=t("cli.opt_config"))
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

            return run_app(runtime, started)
        return int(args.handler(runtime) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the clerk sees a plain message
        from mca_tui.services.errors import ServiceError

        if isinstance(exc, ServiceError):
            print(exc.message(), file=sys.stderr)
            return 1
        log.exception("unexpected error in %s", args.command or "ui")
        print(t("cli.unexpected_error", error=type(exc).__name__, log=log_path), file=sys.stderr)
        return 2
