"""Loads every capability's tables onto the shared MetaData (for Alembic and test databases), and tells Alembic
which database objects live outside it."""

from sqlalchemy import MetaData

from mercato.kernel.db import metadata


def load_all_tables() -> MetaData:
    import mercato.accounts.tables
    import mercato.aftersales.tables
    import mercato.audit.tables
    import mercato.catalog.tables
    import mercato.credit.tables
    import mercato.inventory.tables
    import mercato.kernel.idempotency
    import mercato.kernel.jobs
    import mercato.membership.tables
    import mercato.payments.tables
    import mercato.pricing.tables
    import mercato.recommend.tables
    import mercato.reviews.abuse_tables
    import mercato.reviews.tables
    import mercato.search.tables
    import mercato.search.tables_shops
    import mercato.stores.tables
    import mercato.trade.tables  # noqa: F401

    return metadata


# Full-text objects made by raw DDL in 0008_search and 0010_search_shops (SQLite FTS5 and its shadow tables,
# PostgreSQL's tsvector).
_OUTSIDE_METADATA = {("column", "tsv"), ("index", "ix_search_documents_tsv"), ("index", "ix_search_shops_tsv")}


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter: schema comparison ignores the full-text objects that are not in the metadata."""
    if type_ == "table" and (name or "").startswith("search_fts"):
        return False
    return (type_, name) not in _OUTSIDE_METADATA
