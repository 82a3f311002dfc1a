"""The pure side of promotion management: the form read into a draft and back, the overlap rule, the status
machine and the phase a person sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from manage_helpers import coupon, reduction

from mercato.pricing.forms import draft_of_form, form_of
from mercato.pricing.model import Kind, PromotionInvalid, Tier, Window
from mercato.pricing.model.drafts import (
    Phase,
    PromotionStatus,
    PromotionStatusConflict,
    PromotionWindowOverlaps,
    check_draft,
    check_no_overlap,
    next_status,
    phase_of,
    promotion_of_draft,
)

NOW = datetime(2026, 11, 11, 10, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_reduction_form_reads_tiers_in_yuan() -> None:
    draft = draft_of_form({"kind": ["store_reduction"], "name_en": ["Tiers"], "tiers": ["200:20， 300:40.5"],
                           "combines_with": ["item", "store", "nonsense"], "starts_at": ["2026-11-12T08:30"]})
    assert (draft.kind, draft.tiers) == (Kind.STORE_REDUCTION, (Tier(20000, 2000), Tier(30000, 4050)))
    assert sorted(draft.combines_with) == ["item", "store"]
    assert draft.starts_at == datetime(2026, 11, 12, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(("form", "field"), [({"threshold": ["ten"]}, "threshold"), ({"tiers": ["200-20"]}, "tiers"),
                                             ({"per_person": ["1.5"]}, "per_person"),
                                             ({"ends_at": ["tomorrow"]}, "ends_at"), ({"kind": ["gift"]}, "kind")])
def test_a_field_that_cannot_be_read_is_named(form: dict[str, list[str]], field: str) -> None:
    with pytest.raises(PromotionInvalid) as caught:
        draft_of_form({"kind": ["store_coupon"], "name_en": ["x"], **form})
    assert caught.value.params["field"] == field


@given(threshold=st.integers(2, 10**7), amount=st.integers(1, 10**7), per_person=st.integers(1, 100))
def test_a_valid_coupon_survives_the_form_round_trip(threshold: int, amount: int, per_person: int) -> None:
    draft = check_draft(coupon(threshold=threshold, amount=min(amount, threshold - 1), per_person=per_person),
                        "store", "S1")
    form = form_of(draft)
    posted = {key: [str(value)] if isinstance(value, str | bool) else sorted(value) if isinstance(value, set)
              else [str(value)] for key, value in form.items()}
    posted["claimable"] = ["on"] if draft.claimable else []
    assert check_draft(draft_of_form(posted), "store", "S1") == draft


def _reduction(pid: str, starts: int | None, ends: int | None, group: str = "") -> object:
    window = {"starts_at": NOW + starts * DAY if starts is not None else None,
              "ends_at": NOW + ends * DAY if ends is not None else None}
    return promotion_of_draft(reduction(exclusive_group=group, **window), pid, ["S1"])


@pytest.mark.parametrize(("first", "second", "overlaps"), [
    ((None, None), (5, 6), True), ((0, 2), (1, 3), True), ((0, 2), (2, 3), False), ((3, None), (0, 3), False),
    ((None, 1), (0, None), True),
])
def test_windows_overlap_only_when_they_share_an_instant(first: tuple[int | None, int | None],
                                                          second: tuple[int | None, int | None],
                                                          overlaps: bool) -> None:
    existing = _reduction("A", *first)
    wanted = _reduction("B", *second)
    if overlaps:
        with pytest.raises(PromotionWindowOverlaps):
            check_no_overlap(wanted, [existing])  # type: ignore[arg-type, list-item]
    else:
        check_no_overlap(wanted, [existing])  # type: ignore[arg-type, list-item]


def test_other_groups_and_other_kinds_never_overlap() -> None:
    existing = _reduction("A", None, None, "vip")
    check_no_overlap(_reduction("B", None, None), [existing])  # type: ignore[arg-type, list-item]
    check_no_overlap(promotion_of_draft(coupon(), "C", ["S1"]), [existing])  # type: ignore[list-item]


def test_the_status_machine_ends_for_good() -> None:
    assert next_status(PromotionStatus.ACTIVE, "pause") is PromotionStatus.PAUSED
    assert next_status(PromotionStatus.PAUSED, "end") is PromotionStatus.ENDED
    for action in ("pause", "resume", "end", "delete"):
        with pytest.raises(PromotionStatusConflict):
            next_status(PromotionStatus.ENDED, action)


def test_the_phase_splits_an_active_promotion_by_its_window() -> None:
    window = Window(NOW + DAY, NOW + 2 * DAY)
    assert [phase_of(PromotionStatus.ACTIVE, window, NOW + k * DAY) for k in (0, 1, 2)] == \
        [Phase.SCHEDULED, Phase.RUNNING, Phase.FINISHED]
    assert phase_of(PromotionStatus.PAUSED, window, NOW + DAY) is Phase.PAUSED
    assert phase_of(PromotionStatus.ENDED, window, NOW) is Phase.ENDED
