"""Loads every capability's tables onto the shared MetaData (for Alembic and test databases)."""

from sqlalchemy import MetaData

from mercato.kernel.db import metadata


def load_all_tables() -> MetaData:
    import mercato.accounts.tables
    import mercato.audit.tables
    import mercato.catalog.tables
    import mercato.inventory.tables
    import mercato.kernel.idempotency
    import mercato.kernel.jobs
    import mercato.membership.tables
    import mercato.payments.tables
    import mercato.pricing.tables
    import mercato.stores.tables
    import mercato.trade.tables  # noqa: F401

    return metadata
