"""The rating follows the consumer's history: a rescore job per consumer (requested by whoever changed a fact) and
a nightly pass over every consumer.

The facts come from capabilities above credit (trade, aftersales, reviews): the composition root provides a
`FactsSource`, exactly as search's sales signal reaches search. Without one the rater scores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mercato.accounts import service as accounts
from mercato.credit.model import CreditFacts, CreditScore, score
from mercato.credit.repo import CreditRepo
from mercato.kernel import jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork

# (uow, consumer_id, now) -> the consumer's facts at `now`.
FactsSource = Callable[[UnitOfWork, str, datetime], CreditFacts]
RESCORE_JOB = "credit.rescore"
NIGHTLY_JOB = "credit.nightly"
NIGHTLY_AT = time(3, 0)  # UTC: after the day's orders have settled, before the morning's shoppers
NIGHTLY_BATCH = 500


def request_rescore_in(uow: UnitOfWork, consumer_id: str, now: datetime, reason: str) -> None:
    """Enqueue a rescore of this consumer, due now. Requests for one consumer within the same second share one job
    (its key); a request a job already done missed is caught by the nightly pass."""
    second = now.replace(microsecond=0).isoformat()
    jobs.enqueue(uow, RESCORE_JOB, {"consumer_id": consumer_id, "reason": reason}, now=now,
                 key=f"{RESCORE_JOB}:{consumer_id}:{second}")


def schedule_nightly_in(uow: UnitOfWork, now: datetime) -> None:
    """Make sure the next nightly pass is booked: one per date (its key), however many ask."""
    day = now.date() if now.time() < NIGHTLY_AT else now.date() + timedelta(days=1)
    _book_night(uow, day, now)


def request_full_pass_in(uow: UnitOfWork, now: datetime) -> str:
    """A pass over every consumer now (`mercato credit rescore --all`), apart from the nightly ones; its label."""
    run = f"manual-{now.strftime('%Y%m%dT%H%M%S')}"
    jobs.enqueue(uow, NIGHTLY_JOB, {"date": now.date().isoformat(), "after": "", "run": run}, now=now,
                 key=f"{NIGHTLY_JOB}:{run}:")
    return run


def _book_night(uow: UnitOfWork, day: date, now: datetime) -> None:
    at = datetime.combine(day, NIGHTLY_AT, tzinfo=now.tzinfo)
    jobs.enqueue(uow, NIGHTLY_JOB, {"date": day.isoformat(), "after": ""}, now=now, run_at=at,
                 key=f"{NIGHTLY_JOB}:{day.isoformat()}:")


@dataclass(frozen=True, slots=True)
class Rater:
    """Scores consumers from the facts source the composition root provides."""

    facts: FactsSource | None = None
    batch: int = NIGHTLY_BATCH  # consumers per nightly job and transaction

    def rescore_in(self, uow: UnitOfWork, consumer_id: str, now: datetime) -> CreditScore | None:
        """Gather the consumer's facts, score them and store the score (a re-run stores the same); None without a
        facts source."""
        if self.facts is None:
            return None
        facts = self.facts(uow, consumer_id, now)
        result = score(facts)
        CreditRepo(uow.conn).save(consumer_id, result, now, facts)
        return result

    def rescore(self, rt: Runtime, consumer_id: str) -> CreditScore | None:
        with rt.uow() as uow:
            result = self.rescore_in(uow, consumer_id, rt.clock.now())
            uow.commit()
        return result

    def rescore_job(self, rt: Runtime, payload: Mapping[str, Any]) -> None:
        """One consumer now; and the coming night's pass is booked (so rescoring anyone starts the nightly
        cycle)."""
        now = rt.clock.now()
        with rt.uow() as uow:
            self.rescore_in(uow, str(payload["consumer_id"]), now)
            schedule_nightly_in(uow, now)
            uow.commit()

    def rescore_batch(self, rt: Runtime, after: str) -> tuple[int, str]:
        """Rescore the next batch of consumers after `after` (id order) in one transaction: (how many, last id)."""
        now = rt.clock.now()
        with rt.uow() as uow:
            ids = accounts.consumer_ids_after_in(uow, after, self.batch)
            for consumer_id in ids:
                self.rescore_in(uow, consumer_id, now)
            uow.commit()
        return len(ids), ids[-1] if ids else after

    def nightly_job(self, rt: Runtime, payload: Mapping[str, Any]) -> None:
        """One batch of the night's pass; then the next batch (a job keyed by its cursor), or, at the end, the
        next night's pass (keyed by its date)."""
        day, after = str(payload["date"]), str(payload.get("after", ""))
        run = str(payload.get("run", day))
        done, last = self.rescore_batch(rt, after)
        now = rt.clock.now()
        with rt.uow() as uow:
            if done == self.batch:
                jobs.enqueue(uow, NIGHTLY_JOB, {"date": day, "after": last, "run": run}, now=now,
                             key=f"{NIGHTLY_JOB}:{run}:{last}")
            else:
                _book_night(uow, date.fromisoformat(day) + timedelta(days=1), now)
            uow.commit()

    @property
    def job_handlers(self) -> dict[str, jobs.Handler]:
        return {RESCORE_JOB: self.rescore_job, NIGHTLY_JOB: self.nightly_job}
