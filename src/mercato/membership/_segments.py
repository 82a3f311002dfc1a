"""The campaign segments membership provides to pricing (pricing sits below and cannot ask; mercato.wiring puts them
in `Runtime.segments`): members, and consumers who have never paid for an order. Each page costs two statements: a
page of active consumers from accounts, then one filter over the whole page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from mercato.accounts import service as accounts
from mercato.kernel.runtime import SegmentSource
from mercato.kernel.uow import UnitOfWork
from mercato.membership.repo import MembershipRepo
from mercato.payments import service as payments
from mercato.pricing.model.views import SegmentKind


def _consumers_in(uow: UnitOfWork, after: str, limit: int) -> tuple[list[str], str | None]:
    """A page of active consumers after `after` and the cursor after it (None when it was the last page)."""
    page = accounts.consumer_ids_after_in(uow, after, limit)
    return page, page[-1] if len(page) == limit else None


def members_in(uow: UnitOfWork, after: str, limit: int, now: datetime) -> tuple[list[str], str | None]:
    """The consumers in the page with a paid membership in force at `now` (an expired one is not a member)."""
    page, cursor = _consumers_in(uow, after, limit)
    members = MembershipRepo(uow.conn).in_force_among(page, now)
    return [consumer_id for consumer_id in page if consumer_id in members], cursor


def never_paid_in(uow: UnitOfWork, after: str, limit: int, now: datetime) -> tuple[list[str], str | None]:
    """The consumers in the page with no captured order payment yet: new customers to convert."""
    page, cursor = _consumers_in(uow, after, limit)
    paid = payments.paid_order_consumers_in(uow, page)
    return [consumer_id for consumer_id in page if consumer_id not in paid], cursor


SEGMENT_SOURCES: Mapping[str, SegmentSource] = {
    SegmentKind.MEMBERS.value: members_in,
    SegmentKind.NEVER_PAID.value: never_paid_in,
}
