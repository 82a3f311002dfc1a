"""Idempotency keys: a retry returns the first answer, a changed body is refused, a rollback frees the key."""

from __future__ import annotations

import pytest

from mercato.kernel.errors import IdempotencyKeyReused
from mercato.kernel.idempotency import remember, replay
from mercato.kernel.runtime import Runtime

REQUEST = {"cart": ["a", "b"], "address": "x"}


def first(rt: Runtime, key: str | None, request: dict[str, object], answer: dict[str, object]) -> dict[str, object]:
    with rt.uow() as uow:
        stored = replay(uow, owner="u1", scope="test.place", key=key, request=request, now=rt.clock.now())
        if stored is not None:
            return stored
        remember(uow, owner="u1", scope="test.place", key=key, response=answer)
        uow.commit()
    return answer


def test_a_retry_gets_the_first_answer(rt: Runtime) -> None:
    assert first(rt, "k1", REQUEST, {"order": 1}) == {"order": 1}
    assert first(rt, "k1", {"address": "x", "cart": ["a", "b"]}, {"order": 2}) == {"order": 1}


def test_the_same_key_with_a_different_body_is_refused(rt: Runtime) -> None:
    first(rt, "k1", REQUEST, {"order": 1})
    with pytest.raises(IdempotencyKeyReused):
        first(rt, "k1", {**REQUEST, "address": "y"}, {"order": 2})


def test_keys_are_per_owner_and_scope_and_absent_keys_do_nothing(rt: Runtime) -> None:
    first(rt, "k1", REQUEST, {"order": 1})
    with rt.uow() as uow:
        assert replay(uow, owner="u2", scope="test.place", key="k1", request=REQUEST, now=rt.clock.now()) is None
        assert replay(uow, owner="u1", scope="test.other", key="k1", request=REQUEST, now=rt.clock.now()) is None
        assert replay(uow, owner="u1", scope="test.place", key=None, request=REQUEST) is None


def test_a_rolled_back_request_frees_its_key(rt: Runtime) -> None:
    with rt.uow() as uow:
        assert replay(uow, owner="u1", scope="test.place", key="k9", request=REQUEST, now=rt.clock.now()) is None
    assert first(rt, "k9", REQUEST, {"order": 3}) == {"order": 3}
