"""The headless core never imports the UI toolkit."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_load_textual_or_rich():
    code = (
        "import sys\n"
        "import mca_tui.domain.identifiers, mca_tui.domain.clocks, mca_tui.domain.calendar\n"
        "import mca_tui.storage.engine, mca_tui.storage.models, mca_tui.storage.audit\n"
        "import mca_tui.services.context, mca_tui.services.users, mca_tui.services.organizations\n"
        "import mca_tui.config, mca_tui.cli\n"
        "import importlib, pkgutil\n"
        "for pkg in ('mca_tui.domain', 'mca_tui.storage', 'mca_tui.services', 'mca_tui.reports'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.iter_modules(mod.__path__):\n"
        "        importlib.import_module(pkg + '.' + info.name)\n"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported {out.stdout.strip()}"


def test_domain_does_not_load_sqlalchemy():
    code = (
        "import sys, importlib, pkgutil, mca_tui.domain as d\n"
        "for info in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module('mca_tui.domain.' + info.name)\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
