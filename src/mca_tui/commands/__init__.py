"""Sub-commands, one module each, discovered by ``mca_tui.cli``. Each module defines
``register(subparsers)`` and sets ``handler=`` to a function taking the Runtime; heavy
imports happen inside the handler."""
