"""The credit use cases, one public surface: the quick-refund terms a consumer's stored score earns (aftersales asks
`quick_refund_terms_in`), rescore requests (whoever changes a fact calls `request_rescore_in`), the stored score
(membership prices by it) and the consumer's "my credit" overview. Scoring itself runs in `rating.Rater`, whose
facts source and jobs the composition root wires."""

from __future__ import annotations

from datetime import datetime

from mercato.credit.model import (
    BASE,
    CreditFacts,
    CreditOverview,
    CreditScore,
    QuickRefundTerms,
    advice_for,
    quick_refund_terms,
)
from mercato.credit.rating import (
    NIGHTLY_JOB,
    RESCORE_JOB,
    request_full_pass_in,
    request_rescore_in,
    schedule_nightly_in,
)
from mercato.credit.repo import CreditRepo
from mercato.kernel.jobs import Handler
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

# The jobs are the Rater's (mercato.wiring builds it with its facts source and merges its handlers).
JOB_HANDLERS: dict[str, Handler] = {}


def quick_refund_terms_in(uow: UnitOfWork, consumer_id: str, now: datetime, *,
                          lock: bool = False) -> QuickRefundTerms | None:
    """The quick-refund caps the consumer's stored score earns (`model.quick_refund_terms`: the tier's, limited
    while the stored facts show a thin recent history); None when the tier earns none (or no score yet). One
    indexed read. With `lock`, the consumer's score row stays locked to the end of the caller's transaction, so
    two quick refunds of one consumer decided at once are decided one after the other against the outstanding cap."""
    stored = CreditRepo(uow.conn).get(consumer_id, lock=lock)
    return quick_refund_terms(stored.score.tier, stored.facts) if stored is not None else None


def credit_score_in(uow: UnitOfWork, consumer_id: str) -> CreditScore | None:
    """The consumer's stored score, None before the first rating."""
    stored = CreditRepo(uow.conn).get(consumer_id)
    return stored.score if stored is not None else None


def score_value_in(uow: UnitOfWork, consumer_id: str) -> int:
    """The stored score's value; a consumer not rated yet stands at the base score."""
    found = credit_score_in(uow, consumer_id)
    return found.value if found is not None else BASE


def store_score_in(uow: UnitOfWork, consumer_id: str, score: CreditScore, now: datetime,
                   facts: CreditFacts | None = None) -> None:
    """Store a score as the consumer's current one (the rater does this, with the facts; tests seed a tier with
    `model.score_for_tier` and no facts, and such a score earns its tier's quick-refund caps)."""
    CreditRepo(uow.conn).save(consumer_id, score, now, facts)


def credit_overview(rt: Runtime, principal: Principal) -> CreditOverview:
    with rt.uow(read_only=True) as uow:
        stored = CreditRepo(uow.conn).get(principal.user_id)
    if stored is None:
        return CreditOverview(None, None, None, None, advice_for(()))
    return CreditOverview(stored.score, stored.facts, stored.computed_at,
                          quick_refund_terms(stored.score.tier, stored.facts),
                          advice_for(stored.score.factors))


__all__ = [
    "JOB_HANDLERS", "NIGHTLY_JOB", "RESCORE_JOB", "CreditOverview", "credit_overview", "credit_score_in",
    "quick_refund_terms_in", "request_full_pass_in", "request_rescore_in", "schedule_nightly_in", "score_value_in",
    "store_score_in",
]
