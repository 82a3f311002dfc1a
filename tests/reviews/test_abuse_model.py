"""The reviewer-risk engine with plain values: each reason, the noisy-OR score, and its properties."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mercato.reviews.model.abuse import (
    WEIGHTS,
    AbuseSettings,
    Reason,
    ReviewEdge,
    ReviewerProfile,
    burst_reason,
    combine,
    coordination,
    negative_rate_reason,
    new_account_reason,
    quiet_stores_reason,
    refund_reason,
    score_reviewers,
    thin_history_reason,
)
from mercato.reviews.model.abuse_reach import StoreReach, corroboration_gap, store_reach

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def edge(reviewer: str, store: str, rating: int | None = 5, at: datetime | None = NOW,
         product: str | None = None) -> ReviewEdge:
    return ReviewEdge(reviewer, store, product or f"p-{store}", rating, at)


def figures(reason: Reason | None) -> dict[str, float]:
    assert reason is not None
    return dict(reason.figures)


def block_graph(members: int = 8, stores: int = 8, background: int = 60, seed: int = 3) -> list[ReviewEdge]:
    """A full members x stores block inside a sparse background of one- to three-review shoppers."""
    rng = random.Random(seed)
    edges = [edge(f"fraud{i}", f"target{j}") for i in range(members) for j in range(stores)]
    for shopper in range(background):
        for _ in range(rng.randint(1, 3)):
            edges.append(edge(f"shopper{shopper}", f"shop{rng.randrange(40)}"))
    return edges


def test_a_negative_share_far_above_the_peers_across_stores_is_a_reason() -> None:
    reviews = [edge("r", f"s{i}", 1) for i in range(5)] + [edge("r", "s9", 5)]
    reason = negative_rate_reason(reviews, peer_share=0.1)
    assert reason is not None and reason.code == "negative_rate"
    assert figures(reason) == {"negatives": 5, "rated": 6, "stores": 5, "share": 0.8333, "peer_share": 0.1,
                               "z": 5.9876}
    assert reason.strength == round((5 / 6 - 0.1) / 0.9, 6)


def test_negative_reviews_at_a_single_store_are_not_a_pattern_across_stores() -> None:
    reviews = [edge("r", "s1", 1, product=f"p{i}") for i in range(6)]
    assert negative_rate_reason(reviews, peer_share=0.1) is None


def test_a_negative_share_near_the_peers_is_no_reason() -> None:
    reviews = [edge("r", f"s{i}", 1 if i < 2 else 5) for i in range(10)]
    assert negative_rate_reason(reviews, peer_share=0.2) is None


def test_a_negative_review_followed_by_a_refund_demand_at_that_store_is_a_reason() -> None:
    reviews = [edge("r", "s1", 1, NOW), edge("r", "s2", 2, NOW)]
    demands = {"s1": [NOW + 2 * DAY], "s2": [NOW + 8 * DAY]}
    reason = refund_reason(reviews, demands)
    assert reason is not None and reason.strength == 0.5
    assert figures(reason) == {"followed": 1, "negatives": 2, "window_days": 7.0}


def test_a_demand_before_the_review_or_after_a_positive_one_is_no_reason() -> None:
    reviews = [edge("r", "s1", 1, NOW), edge("r", "s2", 5, NOW)]
    assert refund_reason(reviews, {"s1": [NOW - DAY], "s2": [NOW + DAY]}) is None


def test_five_reviews_within_a_day_are_a_burst_and_spread_out_they_are_not() -> None:
    burst = [edge("r", f"s{i}", at=NOW + timedelta(hours=3 * i)) for i in range(6)]
    reason = burst_reason(burst)
    assert reason is not None and figures(reason) == {"reviews_in_window": 6, "window_hours": 24.0}
    assert reason.strength == 0.4
    assert burst_reason([edge("r", f"s{i}", at=NOW + i * 2 * DAY) for i in range(6)]) is None


def test_an_account_reviewing_days_after_it_was_created_is_new() -> None:
    reviews = [edge("r", "s1", at=NOW)]
    reason = new_account_reason(reviews, ReviewerProfile("r", NOW - 7 * DAY), NOW)
    assert reason is not None and reason.strength == 0.5 and figures(reason) == {"age_days": 7.0}
    assert new_account_reason(reviews, ReviewerProfile("r", NOW - 30 * DAY), NOW) is None
    assert new_account_reason(reviews, None, NOW) is None


def test_a_thin_history_is_weak_and_fades_with_each_review() -> None:
    assert thin_history_reason([edge("r", "s1")]) == Reason("thin_history", 1.0, (("reviews", 1.0),))
    assert thin_history_reason([edge("r", f"s{i}") for i in range(4)]) == Reason("thin_history", 0.25,
                                                                                 (("reviews", 4.0),))
    assert thin_history_reason([edge("r", f"s{i}") for i in range(6)]) is None


def test_quiet_stores_weigh_most_for_a_lone_reviewer() -> None:
    lone = quiet_stores_reason([edge("r", "s1")], {"s1": StoreReach(1, 0)})
    corroborated = quiet_stores_reason([edge("r", "s2")], {"s2": StoreReach(996, 995)})
    assert lone == Reason("quiet_stores", 1.0, (("mean_established_reviewers", 0.0), ("mean_newcomer_share", 1.0)))
    assert corroborated is not None and corroborated.strength == 0.129673  # log(6) / log(1001) / 2


def test_quiet_stores_does_not_count_the_reviewer_among_its_own_corroborators() -> None:
    reach = store_reach([("r", "s1"), ("r", "s2"), ("h", "s1"), ("h", "s3")])
    found = quiet_stores_reason([edge("r", "s1"), edge("r", "s2")], reach)
    assert reach == {"s1": StoreReach(2, 2), "s2": StoreReach(1, 1), "s3": StoreReach(1, 1)}
    assert found is not None and figures(found) == {"mean_established_reviewers": 1.5, "mean_newcomer_share": 0.0}
    assert found.strength == round((math.log(6) / math.log(7) / 2 + 1) / 2, 6)


def test_store_reach_counts_established_reviewers_so_a_flood_of_one_off_accounts_adds_no_corroboration() -> None:
    regulars = [(f"h{i}", store) for i in range(3) for store in ("s1", "s2")]
    flood = [(f"sock{i}", "s1") for i in range(50)]
    reach = store_reach(regulars + flood + regulars[:2])
    assert reach == {"s1": StoreReach(53, 3), "s2": StoreReach(3, 3)}
    assert reach["s1"].newcomer_share == 50 / 53 and reach["s2"].newcomer_share == 0.0
    assert corroboration_gap(reach["s1"], False) > corroboration_gap(StoreReach(3, 3), False)
    assert corroboration_gap(StoreReach(1, 0), False) == 1.0
    assert corroboration_gap(StoreReach(1, 1), True) == 1.0


@given(st.integers(0, 500), st.integers(0, 500), st.booleans())
def test_one_off_accounts_only_widen_a_stores_corroboration_gap_and_established_ones_only_narrow_it(
        established: int, newcomers: int, mine: bool) -> None:
    reach = StoreReach(established + newcomers + 1, established + int(mine))
    gap = corroboration_gap(reach, mine)
    assert 0.0 <= gap <= 1.0
    assert corroboration_gap(StoreReach(reach.reviewers + 1, reach.established), mine) >= gap
    assert corroboration_gap(StoreReach(reach.reviewers + 1, reach.established + 1), mine) <= gap


def test_reviewers_hitting_the_same_stores_together_are_a_coordinated_group() -> None:
    group = [edge(f"g{i}", f"s{j}", 1, NOW + timedelta(hours=i)) for i in range(3) for j in range(2)]
    loner = [edge("x", "s0", 1, NOW), edge("x", "s1", 1, NOW + 20 * DAY)]
    found = coordination(group + loner)
    assert sorted(found) == ["g0", "g1", "g2"]
    assert found["g0"] == Reason("coordinated_group", 0.5, (("partners", 2.0), ("most_shared_stores", 2.0)))


def test_the_score_is_the_noisy_or_of_the_weighted_strengths() -> None:
    reasons = [Reason("dense_block", 1.0), Reason("thin_history", 0.5)]
    assert combine(reasons) == round(1 - (1 - 0.75) * (1 - 0.15 * 0.5), 6)
    assert combine([]) == 0.0


def test_a_camouflaged_dense_block_is_flagged_and_the_background_is_not() -> None:
    edges = block_graph()
    edges += [edge(f"fraud{i}", f"shop{(i * 7 + k) % 40}") for i in range(8) for k in range(8)]
    risks = {r.reviewer_id: r for r in score_reviewers(edges, {}, {}, NOW)}
    flagged = sorted(r for r, risk in risks.items() if risk.flagged)
    assert flagged == [f"fraud{i}" for i in range(8)]
    block = dict(risks["fraud0"].reasons[0].figures)
    assert (risks["fraud0"].reasons[0].code, block["reviewers"], block["stores"]) == ("dense_block", 8, 8)


def test_a_negative_reviewer_who_demands_refunds_is_flagged_with_both_reasons() -> None:
    honest = [edge(f"h{i}", f"s{i % 9}", 5, NOW - i * DAY) for i in range(40)]
    bad = [edge("bad", f"s{i}", 1, NOW - 10 * i * DAY) for i in range(4)]
    demands = {("bad", "s0"): [NOW + DAY], ("bad", "s1"): [NOW - 9 * DAY]}
    risks = {r.reviewer_id: r for r in score_reviewers(honest + bad, {}, demands, NOW)}
    codes = [reason.code for reason in risks["bad"].reasons]
    assert codes == ["refund_after_negative", "negative_rate", "thin_history", "quiet_stores"]
    assert risks["bad"].flagged and not any(risks[f"h{i}"].flagged for i in range(40))


def test_a_new_account_with_one_review_is_not_flagged_by_that_alone() -> None:
    risks = score_reviewers([edge("r", "s1", 1)], {"r": ReviewerProfile("r", NOW - DAY)}, {}, NOW)
    assert [reason.code for reason in risks[0].reasons] == ["new_account", "thin_history", "quiet_stores"]
    assert not risks[0].flagged and risks[0].score < AbuseSettings().flag_threshold


reviews = st.lists(st.builds(edge, st.sampled_from([f"r{i}" for i in range(8)]),
                             st.sampled_from([f"s{i}" for i in range(6)]), st.integers(1, 5),
                             st.integers(0, 60).map(lambda h: NOW - timedelta(hours=6 * h))),
                   min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(reviews, st.randoms(use_true_random=False))
def test_every_score_stays_within_zero_and_one_whatever_the_input_order(edges: list[ReviewEdge],
                                                                        rng: random.Random) -> None:
    demands = {(e.reviewer_id, e.store_id): [e.at + DAY] for e in edges[::3] if e.at is not None}
    first = score_reviewers(edges, {}, demands, NOW)
    shuffled = list(edges)
    rng.shuffle(shuffled)
    assert score_reviewers(shuffled, {}, demands, NOW) == first
    assert all(0.0 <= risk.score <= 1.0 for risk in first)
    assert all(0.0 <= reason.strength <= 1.0 and reason.code in WEIGHTS for risk in first for reason in risk.reasons)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 39)), max_size=64), st.integers(0, 10_000))
def test_camouflage_edges_do_not_let_a_dense_blocks_members_escape(camouflage: list[tuple[int, int]],
                                                                   seed: int) -> None:
    edges = block_graph(seed=seed) + [edge(f"fraud{i}", f"shop{s}") for i, s in camouflage]
    flagged = {r.reviewer_id for r in score_reviewers(edges, {}, {}, NOW) if r.flagged}
    assert {f"fraud{i}" for i in range(8)} <= flagged
