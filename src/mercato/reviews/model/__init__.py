"""reviews model: the pure rules of reviews, store ratings and abuse detection.

`rules` (who reviews what and when, refusals), `scores` (store service scores and product ratings) and `views`
(what pages and other capabilities read) are re-exported here; the abuse engine lives in `abuse*` beside them.
"""

from mercato.reviews.model.rules import (
    COMPLETED,
    DEFAULT_RATING,
    FOLLOW_UP_WINDOW,
    RATING_MAX,
    RATING_MIN,
    REVIEW_WINDOW,
    TEXT_MAX,
    TEXT_MIN,
    FollowUpDuplicate,
    FollowUpWindowClosed,
    HelpfulVoteDuplicate,
    HelpfulVoteOwn,
    LineFacts,
    ReplyDuplicate,
    ReviewBeforeReceipt,
    ReviewDuplicate,
    ReviewItemNotBought,
    ReviewNotFound,
    ReviewRatingInvalid,
    ReviewTextInvalid,
    ReviewWindowClosed,
    StoreScores,
    StoreScoresRequired,
    check_follow_up,
    check_rating,
    check_reviewable,
    check_store_scores,
    check_text,
    check_vote,
    review_closes_at,
    store_scores_for,
    window_closed,
)
from mercato.reviews.model.scores import (
    NO_SCORES,
    SCORE_WINDOW,
    SCORE_WINDOW_DAYS,
    ProductRating,
    ScoredOrder,
    ServiceScores,
    product_rating,
    rating_from_totals,
    recency_weight,
    service_scores,
)
from mercato.reviews.model.views import FollowUpView, ReplyView, ReviewCreditFacts, ReviewView, masked

__all__ = [
    "COMPLETED", "DEFAULT_RATING", "FOLLOW_UP_WINDOW", "NO_SCORES", "RATING_MAX", "RATING_MIN", "REVIEW_WINDOW",
    "SCORE_WINDOW", "SCORE_WINDOW_DAYS", "TEXT_MAX", "TEXT_MIN", "FollowUpDuplicate", "FollowUpView",
    "FollowUpWindowClosed", "HelpfulVoteDuplicate", "HelpfulVoteOwn", "LineFacts", "ProductRating", "ReplyDuplicate",
    "ReplyView", "ReviewBeforeReceipt", "ReviewCreditFacts", "ReviewDuplicate", "ReviewItemNotBought",
    "ReviewNotFound", "ReviewRatingInvalid", "ReviewTextInvalid", "ReviewView", "ReviewWindowClosed", "ScoredOrder",
    "ServiceScores", "StoreScores", "StoreScoresRequired", "check_follow_up", "check_rating", "check_reviewable",
    "check_store_scores", "check_text", "check_vote", "masked", "product_rating", "rating_from_totals",
    "recency_weight", "review_closes_at", "service_scores", "store_scores_for", "window_closed",
]
