"""reviews abuse tables: reviewer risk scores, merchant reports, operator actions and sanctions."""

import sqlalchemy as sa  # noqa: F401

from mercato.kernel.db import metadata  # noqa: F401
