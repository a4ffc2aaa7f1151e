"""Alembic environment: uses the connection handed over by storage.migrate."""

from alembic import context
from sqlalchemy import create_engine

import mca_tui.storage.models  # noqa: F401  (registers the tables)
from mca_tui.storage.migrate import include_name
from mca_tui.storage.models import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run()
