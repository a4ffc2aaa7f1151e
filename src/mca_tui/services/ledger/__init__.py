"""The ledger import's bulk writing (``bulk``); the import itself is
``services.ledger_import``."""
