"""What a running Mercato holds: settings, the engine, the unit-of-work factory and the clock.

The composition root (`mercato.app`) builds one; tests build one on a rolled-back connection.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from mercato.kernel.clock import Clock, SystemClock
from mercato.kernel.db import dialect_name
from mercato.kernel.events import EventBus
from mercato.kernel.uow import UnitOfWork
from mercato.settings import Settings

UowFactory = Callable[..., AbstractContextManager[UnitOfWork]]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    uow: UowFactory
    clock: Clock = field(default_factory=SystemClock)
    events: EventBus = field(default_factory=EventBus)

    def __post_init__(self) -> None:
        self.events.runtime = self

    @property
    def database(self) -> str:
        return dialect_name(self.engine)
