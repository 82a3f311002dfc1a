"""What a running Mercato holds: settings, the engine, the unit-of-work factory, the clock, the event bus and the
consumer segments higher capabilities provide to lower ones.

The composition root (`mercato.app`) builds one; tests build one on a rolled-back connection.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from mercato.kernel.clock import Clock, SystemClock
from mercato.kernel.db import dialect_name
from mercato.kernel.events import EventBus
from mercato.kernel.uow import UnitOfWork
from mercato.settings import Settings

UowFactory = Callable[..., AbstractContextManager[UnitOfWork]]
# A consumer segment walked in keyset pages: (uow, after consumer id, page size, now) -> (the segment's consumer ids
# among the page, in id order; the cursor the next page starts after, None when the walk is over). A lower
# capability names the segments it asks for (pricing's campaign segments); a higher one provides them, and the
# composition root (mercato.wiring) puts them in `Runtime.segments`.
SegmentSource = Callable[[UnitOfWork, str, int, datetime], tuple[list[str], str | None]]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    uow: UowFactory
    clock: Clock = field(default_factory=SystemClock)
    events: EventBus = field(default_factory=EventBus)
    segments: dict[str, SegmentSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.events.runtime = self

    @property
    def database(self) -> str:
        return dialect_name(self.engine)
