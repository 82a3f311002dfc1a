"""The impure half of ids: reads the clock and the system's random source.

Ids made by one process are strictly increasing, also within one millisecond (the random part is incremented,
as monotonic ULIDs do), so ordering by id is ordering by creation wherever one process wrote the rows.
"""

from __future__ import annotations

import secrets
import threading
import time

from mercato.kernel.ids import encode_id

_lock = threading.Lock()
_last = (0, 0)


def new_id() -> str:
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_entropy = _last
        if millis <= last_millis and last_entropy < 2**80 - 1:
            millis, entropy = last_millis, last_entropy + 1
        else:
            entropy = secrets.randbits(79)  # leaves headroom for increments within the millisecond
        _last = (millis, entropy)
    return encode_id(millis, entropy)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
