"""In-transaction domain events: how a lower capability tells higher ones what changed without importing them.

A service calls `rt.events.publish(uow, event)`; every handler the composition root subscribed for that event type
runs at once, inside the same unit of work, so the reaction commits or rolls back with the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mercato.kernel.runtime import Runtime
    from mercato.kernel.uow import UnitOfWork

Handler = Callable[["Runtime", "UnitOfWork", Any], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)
        self.runtime: Runtime | None = None

    def subscribe(self, event_type: type, handler: Handler) -> None:
        self._handlers[event_type].append(handler)

    def publish(self, uow: UnitOfWork, event: object) -> None:
        assert self.runtime is not None, "EventBus is bound to its runtime by Runtime.__post_init__"
        for handler in self._handlers.get(type(event), ()):
            handler(self.runtime, uow, event)
