"""What the abuse pages and API show (flagged reviews, the operator's queue, sanctions), the rules of reports and
sanctions, and their refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from mercato.kernel.errors import DuplicateEntity, InputInvalid, StateConflict

SANCTION_MAX = timedelta(days=5 * 365)
NOTE_MAX = 500
SANCTION_REASON_MAX = 200


class ReportReason(StrEnum):
    """Why a merchant reports a review."""

    EXTORTION = "extortion"  # a bad review used to demand a refund or compensation
    ABUSIVE = "abusive"  # insults, threats, private details
    IRRELEVANT = "irrelevant"  # not about the goods or the service bought
    COMPETITOR = "competitor"  # written for a rival
    OTHER = "other"


class ReviewAlreadyReported(DuplicateEntity):
    code = "review_already_reported"
    title = "Your store has already reported this review"


class ReportInvalid(InputInvalid):
    code = "review_report_invalid"
    title = "Choose a reason; a note has at most 500 characters"


class ReviewFoldUnchanged(StateConflict):
    code = "review_fold_unchanged"
    title = "The review is already in that state"


class ReviewerAlreadySanctioned(StateConflict):
    code = "reviewer_already_sanctioned"
    title = "This reviewer is already barred; lift the sanction first"


class ReviewerNotSanctioned(StateConflict):
    code = "reviewer_not_sanctioned"
    title = "This reviewer has no sanction in force"


class SanctionInvalid(InputInvalid):
    code = "reviewer_sanction_invalid"
    title = "A sanction needs a reason and an end within five years"


class ReviewerBarred(StateConflict):
    code = "reviewer_barred"
    title = "You may not write reviews for now"


def check_report(reason: str, note: str) -> ReportReason:
    """The report's reason, or ReportInvalid."""
    if reason not in {r.value for r in ReportReason} or len(note) > NOTE_MAX:
        raise ReportInvalid(field="reason" if len(note) <= NOTE_MAX else "note")
    return ReportReason(reason)


def check_sanction(reason: str, until: datetime, now: datetime) -> str:
    """A stripped reason; the end must lie after now and within SANCTION_MAX."""
    reason = reason.strip()
    if not reason or len(reason) > SANCTION_REASON_MAX:
        raise SanctionInvalid(field="reason")
    if not now < until <= now + SANCTION_MAX:
        raise SanctionInvalid(field="until")
    return reason


@dataclass(frozen=True, slots=True)
class RiskView:
    consumer_id: str
    score: float
    flagged: bool
    reasons: tuple[dict[str, object], ...]
    computed_at: datetime


@dataclass(frozen=True, slots=True)
class SanctionView:
    id: str
    consumer_id: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    created_by: str
    lifted_at: datetime | None
    lifted_by: str | None

    def in_force(self, now: datetime) -> bool:
        return self.lifted_at is None and self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True)
class ReportView:
    id: str
    review_id: str
    store_id: str
    reporter_id: str
    reason: ReportReason
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FlaggedReview:
    """A review as the merchant's list and the operator's queue show it."""

    review_id: str
    store_id: str
    product_id: str
    consumer_id: str
    rating: int
    text: str
    created_at: datetime
    folded: bool
    flagged: bool
    score: float | None  # the reviewer's risk, when scored
    reason_codes: tuple[str, ...]
    reports: tuple[ReportView, ...]


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One line of the operator's queue: the review, its reviewer's risk and reasons, and any sanction in force."""

    review: FlaggedReview
    risk: RiskView | None
    sanction: SanctionView | None
