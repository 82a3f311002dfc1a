"""Opaque, time-ordered identifiers (ULID-like, Crockford base32) that never reveal a guessable sequence.

The caller passes the instant and the random bits, so this module stays pure.
"""

from __future__ import annotations

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(_ALPHABET)}
ID_LENGTH = 26


def encode_id(millis: int, entropy: int) -> str:
    """48 bits of milliseconds then 80 random bits, as 26 base32 characters that sort by time."""
    if not 0 <= millis < 2**48:
        raise ValueError("millis out of range")
    if not 0 <= entropy < 2**80:
        raise ValueError("entropy out of range")
    value = (millis << 80) | entropy
    chars = []
    for _ in range(ID_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def is_valid_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in _DECODE for c in text) and text[0] in "01234567"


def id_millis(identifier: str) -> int:
    value = 0
    for c in identifier:
        value = value * 32 + _DECODE[c]
    return value >> 80
