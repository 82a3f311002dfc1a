"""Alembic environment: runs on the connection or URL that `mercato.migrate` hands it."""

from alembic import context

from mercato.schema import include_object, load_all_tables

target_metadata = load_all_tables()
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from mercato.kernel.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _migrate(conn)
        engine.dispose()
    else:
        _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
