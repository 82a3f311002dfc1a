"""aftersales tables."""

import sqlalchemy as sa  # noqa: F401

from mercato.kernel.db import metadata  # noqa: F401
