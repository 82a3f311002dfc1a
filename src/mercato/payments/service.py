"""The payments use cases (being built)."""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.jobs import Handler

JOB_HANDLERS: Mapping[str, Handler] = {}
