"""Password hashing with argon2id. Needs no runtime, so the demo loader and the CLI can hash directly."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash (salted, with its parameters encoded) of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`; a malformed hash simply does not match."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's, so a login should upgrade it."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def _decoy_hash() -> str:
    return _hasher.hash("decoy password for unknown accounts")


def verify_against_decoy(password: str) -> bool:
    """Spend the same time as a real check when the account does not exist, so timing reveals nothing."""
    verify_password(_decoy_hash(), password)
    return False


def use_fast_hashing_for_tests() -> None:
    """Cheap argon2 parameters (microseconds instead of ~0.1 s a hash) for test suites that create many people."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    _decoy_hash.cache_clear()
