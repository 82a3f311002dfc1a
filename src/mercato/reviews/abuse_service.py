"""Protection from malicious reviewers: the scoring pass (a periodic job, and an operator's manual run), merchants'
flagged reviews and reports, the operator's queue (fold, unfold, sanction, lift), and what other capabilities ask:
`is_barred_in` (may this consumer review?) and `violations_in` (for the credit rating).

Every operator and merchant action is audited in its own transaction and undone by its opposite (fold/unfold,
sanction/lift); a sanction or a lift asks credit to rescore the consumer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mercato.accounts import service as accounts
from mercato.aftersales import service as aftersales
from mercato.audit import service as audit
from mercato.credit import service as credit
from mercato.kernel import jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.jobs import Handler
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.reviews.abuse_repo import AbuseRepo
from mercato.reviews.model.abuse import ReviewEdge, ReviewerProfile, ReviewerRisk, score_reviewers
from mercato.reviews.model.abuse_views import (
    FlaggedReview,
    QueueItem,
    ReportView,
    ReviewAlreadyReported,
    ReviewerAlreadySanctioned,
    ReviewerNotSanctioned,
    ReviewFoldUnchanged,
    SanctionView,
    check_report,
    check_sanction,
)
from mercato.reviews.model.rules import ReviewNotFound
from mercato.stores import service as stores
from mercato.stores.model import Permission

SCORE_JOB = "reviews.score_reviewers"
SCORE_EVERY = timedelta(hours=6)
WINDOW = timedelta(days=180)  # the reviews a pass looks at, like the store scores' window
NEGATIVE_MAX_RATING = 2
LOOKUP_CHUNK = 1000
LIST_LIMIT = 200
RECENT = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ScoringSummary:
    reviewers: int
    flagged_reviewers: int
    flagged_reviews: int
    computed_at: datetime


# --- the scoring pass ----------------------------------------------------------------------------------------------

def score_reviewers_in(uow: UnitOfWork, now: datetime) -> ScoringSummary:
    """Score every reviewer of the window's reviews and flag the negative reviews of the flagged ones."""
    repo = AbuseRepo(uow.conn)
    found = repo.edges_since(now - WINDOW)
    edges = [edge for _, edge in found]
    reviewers = sorted({edge.reviewer_id for edge in edges})
    risks = score_reviewers(edges, _profiles_in(uow, reviewers, now), _demands_in(uow, edges), now)
    repo.replace_risks([_risk_row(risk, now) for risk in risks])
    flags = _flag_rows(found, {risk.reviewer_id: risk for risk in risks if risk.flagged}, now)
    repo.replace_flags(flags)
    return ScoringSummary(len(risks), sum(risk.flagged for risk in risks), len(flags), now)


def _profiles_in(uow: UnitOfWork, reviewers: Sequence[str], now: datetime) -> dict[str, ReviewerProfile]:
    profiles: dict[str, ReviewerProfile] = {}
    for start in range(0, len(reviewers), LOOKUP_CHUNK):
        for user in accounts.users_by_ids_in(uow, reviewers[start:start + LOOKUP_CHUNK]).values():
            profiles[user.id] = ReviewerProfile(user.id, user.created_at)
    return profiles


def _demands_in(uow: UnitOfWork, edges: Sequence[ReviewEdge]) -> dict[tuple[str, str], list[datetime]]:
    """Refund request times of the reviewers who wrote negative reviews (the only ones the signal reads)."""
    negative = sorted({e.reviewer_id for e in edges if e.rating is not None and e.rating <= NEGATIVE_MAX_RATING})
    demands: dict[tuple[str, str], list[datetime]] = {}
    for start in range(0, len(negative), LOOKUP_CHUNK):
        demands.update(aftersales.request_times_in(uow, negative[start:start + LOOKUP_CHUNK]))
    return demands


def _risk_row(risk: ReviewerRisk, now: datetime) -> dict[str, Any]:
    return {"consumer_id": risk.reviewer_id, "score": risk.score, "flagged": risk.flagged,
            "reasons": [reason.as_dict() for reason in risk.reasons], "computed_at": now}


def _flag_rows(found: Sequence[tuple[str, ReviewEdge]], flagged: Mapping[str, ReviewerRisk],
               now: datetime) -> list[dict[str, Any]]:
    return [{"review_id": review_id, "store_id": edge.store_id, "consumer_id": edge.reviewer_id,
             "score": flagged[edge.reviewer_id].score, "flagged_at": now}
            for review_id, edge in found
            if edge.reviewer_id in flagged and edge.rating is not None and edge.rating <= NEGATIVE_MAX_RATING]


def schedule_scoring_in(uow: UnitOfWork, now: datetime) -> None:
    """Book the next periodic pass at the next 6-hour boundary (UTC); one per slot (its key), however many ask."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    slot = day + SCORE_EVERY * (int((now - day) / SCORE_EVERY) + 1)
    jobs.enqueue(uow, SCORE_JOB, {"slot": slot.isoformat()}, now=now, run_at=slot,
                 key=f"{SCORE_JOB}:{slot.isoformat()}")


def score_reviewers_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """One pass now, and the next one booked. A re-run replaces the pass's rows with the same."""
    now = rt.clock.now()
    with rt.uow() as uow:
        score_reviewers_in(uow, now)
        schedule_scoring_in(uow, now)
        uow.commit()


def request_scoring(rt: Runtime, principal: Principal) -> None:
    """An operator's manual pass: a job due now (the periodic schedule is booked by it)."""
    stores.require_operator(principal)
    now = rt.clock.now()
    with rt.uow() as uow:
        jobs.enqueue(uow, SCORE_JOB, {"manual": True}, now=now,
                     key=f"{SCORE_JOB}:manual:{now.replace(microsecond=0).isoformat()}")
        audit.record(uow, principal, "review_abuse.score", "review_abuse", "pass", {}, now)
        uow.commit()


# --- merchants ----------------------------------------------------------------------------------------------------

def flagged_reviews(rt: Runtime, principal: Principal, store_id: str) -> list[FlaggedReview]:
    """The store's flagged or reported reviews, newest first (staff with the `orders` permission)."""
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        return AbuseRepo(uow.conn).flagged_of_store(store_id, LIST_LIMIT)


def recent_bad_reviews(rt: Runtime, principal: Principal, store_id: str) -> list[FlaggedReview]:
    """The store's bad reviews of the last 30 days, newest first, so a merchant may report one not flagged."""
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        return AbuseRepo(uow.conn).negative_of_store(store_id, rt.clock.now() - RECENT, LIST_LIMIT)


def report_review(rt: Runtime, principal: Principal, store_id: str, review_id: str, reason: str,
                  note: str = "") -> ReportView:
    """Report a review of the store; once per review and store. Another store's review is 404."""
    checked = check_report(reason, note)
    now = rt.clock.now()
    with rt.uow() as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        repo = AbuseRepo(uow.conn)
        review = repo.review(review_id)
        if review is None or review.store_id != store_id:
            raise ReviewNotFound(field="review_id")
        report = ReportView(new_id(), review_id, store_id, principal.user_id, checked, note.strip(), now)
        if not repo.add_report(_report_row(report)):
            raise ReviewAlreadyReported(review_id=review_id)
        audit.record(uow, principal, "review.report", "review", review_id,
                     {"store_id": store_id, "reason": checked.value}, now)
        uow.commit()
    return report


def _report_row(report: ReportView) -> dict[str, Any]:
    return {"id": report.id, "review_id": report.review_id, "store_id": report.store_id,
            "reporter_id": report.reporter_id, "reason": report.reason.value, "note": report.note,
            "created_at": report.created_at}


# --- operators ----------------------------------------------------------------------------------------------------

def abuse_queue(rt: Runtime, principal: Principal) -> list[QueueItem]:
    """Flagged and reported reviews, newest first, with the reviewer's risk and reasons and any sanction."""
    stores.require_operator(principal)
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        repo = AbuseRepo(uow.conn)
        found = repo.queue(LIST_LIMIT)
        people = {review.consumer_id for review in found}
        risks, sanctions = repo.risks_of(people), repo.sanctions_in_force(people, now)
    return [QueueItem(review, risks.get(review.consumer_id), sanctions.get(review.consumer_id)) for review in found]


def fold_review(rt: Runtime, principal: Principal, review_id: str) -> None:
    """Fold: the review stays visible but leaves the store's scores."""
    _set_folded(rt, principal, review_id, True)


def unfold_review(rt: Runtime, principal: Principal, review_id: str) -> None:
    _set_folded(rt, principal, review_id, False)


def _set_folded(rt: Runtime, principal: Principal, review_id: str, folded: bool) -> None:
    stores.require_operator(principal)
    now = rt.clock.now()
    with rt.uow() as uow:
        review = AbuseRepo(uow.conn).review(review_id, lock=True)
        if review is None:
            raise ReviewNotFound(field="review_id")
        if bool(review.folded) is folded:
            raise ReviewFoldUnchanged(review_id=review_id, folded=folded)
        # Imported here: reviews.service may itself ask this module (is_barred_in) while it is being imported.
        from mercato.reviews import service as reviews

        reviews.fold_review_in(uow, review_id, folded, now)
        audit.record(uow, principal, "review.fold" if folded else "review.unfold", "review", review_id,
                     {"store_id": review.store_id, "consumer_id": review.consumer_id}, now)
        uow.commit()


def sanction_reviewer(rt: Runtime, principal: Principal, consumer_id: str, until: datetime,
                      reason: str) -> SanctionView:
    """Bar the consumer from reviewing until `until`; one sanction in force at a time."""
    stores.require_operator(principal)
    now = rt.clock.now()
    reason = check_sanction(reason, until, now)
    with rt.uow() as uow:
        accounts.get_user_in(uow, consumer_id)
        repo = AbuseRepo(uow.conn)
        repo.lock_user(consumer_id)
        if repo.sanction_in_force(consumer_id, now, lock=True) is not None:
            raise ReviewerAlreadySanctioned(consumer_id=consumer_id)
        sanction = SanctionView(new_id(), consumer_id, reason, now, until, principal.user_id, None, None)
        repo.add_sanction(_sanction_row(sanction))
        audit.record(uow, principal, "reviewer.sanction", "user", consumer_id,
                     {"sanction_id": sanction.id, "until": until.isoformat(), "reason": reason}, now)
        credit.request_rescore_in(uow, consumer_id, now, "sanction")
        uow.commit()
    return sanction


def _sanction_row(sanction: SanctionView) -> dict[str, Any]:
    return {"id": sanction.id, "consumer_id": sanction.consumer_id, "reason": sanction.reason,
            "starts_at": sanction.starts_at, "ends_at": sanction.ends_at, "created_by": sanction.created_by,
            "lifted_at": None, "lifted_by": None}


def lift_sanction(rt: Runtime, principal: Principal, consumer_id: str) -> SanctionView:
    """Undo the sanction in force: the consumer may review again and it no longer counts as a violation."""
    stores.require_operator(principal)
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = AbuseRepo(uow.conn)
        repo.lock_user(consumer_id)
        sanction = repo.sanction_in_force(consumer_id, now, lock=True)
        if sanction is None:
            raise ReviewerNotSanctioned(consumer_id=consumer_id)
        repo.lift(sanction.id, now, principal.user_id)
        audit.record(uow, principal, "reviewer.lift", "user", consumer_id, {"sanction_id": sanction.id}, now)
        credit.request_rescore_in(uow, consumer_id, now, "sanction")
        uow.commit()
    return SanctionView(sanction.id, consumer_id, sanction.reason, sanction.starts_at, sanction.ends_at,
                        sanction.created_by, now, principal.user_id)


def reviewer_sanctions(rt: Runtime, principal: Principal, consumer_id: str) -> list[SanctionView]:
    """A consumer's sanctions, newest first, lifted ones included."""
    stores.require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return AbuseRepo(uow.conn).sanctions_of(consumer_id)


# --- for other capabilities ---------------------------------------------------------------------------------------

def is_barred_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> bool:
    """Whether a sanction in force bars the consumer from reviewing at `now`."""
    return AbuseRepo(uow.conn).sanction_in_force(consumer_id, now) is not None


def violations_in(uow: UnitOfWork, consumer_id: str) -> int:
    """The consumer's sanctions in force or past (lifted ones were undone and do not count)."""
    return AbuseRepo(uow.conn).violations(consumer_id)


JOB_HANDLERS: dict[str, Handler] = {SCORE_JOB: score_reviewers_job}
