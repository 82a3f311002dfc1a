"""Cold start for consumers: the verticals a new consumer picks ("pick what you like"), kept in a cookie as a short
list of slugs (joined by dots: a cookie value may not hold commas), and the popular goods of those verticals
(catalog best sellers blended with the model's popularity)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mercato.catalog.browse import CategoryRef
from mercato.kernel.errors import InputInvalid
from mercato.recommend.model import vertical_popular
from mercato.recommend.model.exposure import blend_scores
from mercato.recommend.pool import Pool

MAX_PICKED = 8
MAX_COOKIE_CHARS = 600


class VerticalsInvalid(InputInvalid):
    code = "verticals_invalid"
    title = "Pick verticals from the list"


def picked_verticals(raw: str | None, verticals: list[CategoryRef]) -> list[CategoryRef]:
    """The known verticals named (by slug, dot- or comma-separated) in a cookie value; anything else is ignored."""
    if not raw or len(raw) > MAX_COOKIE_CHARS:
        return []
    by_slug = {v.slug: v for v in verticals}
    slugs = dict.fromkeys(s.strip() for s in re.split(r"[.,]", raw))
    return [by_slug[s] for s in slugs if s in by_slug][:MAX_PICKED]


def choose_verticals(slugs: Iterable[str], verticals: list[CategoryRef]) -> str:
    """The cookie value for a consumer's pick; an unknown slug or too many is VerticalsInvalid."""
    chosen = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    known = {v.slug for v in verticals}
    unknown = [s[:64] for s in chosen if s not in known]
    if unknown or len(chosen) > MAX_PICKED:
        raise VerticalsInvalid(unknown=unknown[:3])
    return ".".join(chosen)


def popular_in(pool: Pool, model_popularity: Mapping[str, float], chosen: Iterable[CategoryRef], k: int
               ) -> dict[str, float]:
    """The k most popular goods of the chosen verticals (all, if none): catalog sales and the model's
    popularity, half each, both scaled to a peak of 1."""
    scores = blend_scores(pool.best, {i: s for i, s in model_popularity.items() if i in pool.vertical_of}, 0.5)
    wanted = [v.id for v in chosen]
    top = vertical_popular(scores, pool.vertical_of, wanted, k)
    return {item: scores[item] for item in top}
