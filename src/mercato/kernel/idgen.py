"""The impure half of ids: reads the clock and the system's random source."""

from __future__ import annotations

import secrets
import time

from mercato.kernel.ids import encode_id


def new_id() -> str:
    return encode_id(time.time_ns() // 1_000_000, secrets.randbits(80))


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
