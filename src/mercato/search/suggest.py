"""Autocomplete: suggestions for what a shopper is typing, from the queries others searched most (only those that
found something) and, to fill up, from product titles; and the query log that feeds it.

A query is logged under its key: NFKC, lower case, its runs of letters and digits joined by single spaces
("ＩＰｈｏｎｅ  15 手机壳!" -> "iphone 15 手机壳"), so a prefix typed in either language and either width finds it.
Each call counts one search, whatever it carries; keys longer than KEY_MAX are not logged at all (nobody needs
them suggested, and a bot cannot grow a row past the cap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.clock import SystemClock
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import MAX_QUERY_CHARS, normalise, tokenize
from mercato.search.shops_repo import QueryLogRepo, ShopIndexRepo

KEY_MAX = 64
SUGGEST_MAX = 10
RESULT_COUNT_MAX = 1_000_000
TITLE_CANDIDATES = 50
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str
    source: str  # query | title


def query_key(text: object) -> str:
    """The normalised form queries are logged and looked up by ("" when nothing is left)."""
    if not isinstance(text, str):
        return ""
    return " ".join(_WORD.findall(normalise(text[:MAX_QUERY_CHARS])))


def record_query_in(uow: UnitOfWork, text: object, result_count: int, now: datetime | None = None) -> bool:
    """Count one search of `text` that found `result_count` results; False when it is not logged (empty, or
    longer than KEY_MAX once normalised). Call it once per request, for its first page."""
    key = query_key(text)
    if not key or len(key) > KEY_MAX:
        return False
    results = max(0, min(int(result_count), RESULT_COUNT_MAX))
    QueryLogRepo(uow.conn).record(key, results, now or SystemClock().now())
    return True


def log_search(rt: Runtime, text: object, result_count: int) -> None:
    """Log one search in its own short write transaction, after the read that answered it. The log is best effort:
    a write lock that stays taken (SQLite under a burst) costs this one count, never the shopper's answer."""
    try:
        with rt.uow() as uow:
            if record_query_in(uow, text, result_count, rt.clock.now()):
                uow.commit()
    except sa.exc.OperationalError:
        return


def suggest(rt: Runtime, prefix: object, limit: int = 8) -> list[Suggestion]:
    with rt.uow(read_only=True) as uow:
        return suggest_in(uow, prefix, limit)


def suggest_in(uow: UnitOfWork, prefix: object, limit: int = 8) -> list[Suggestion]:
    """Up to `limit` (at most 10) suggestions for `prefix`: popular past queries first, then product titles."""
    key = query_key(prefix)
    limit = max(1, min(int(limit), SUGGEST_MAX))
    if not key or len(key) > KEY_MAX:
        return []
    found = [Suggestion(text, "query") for text, _ in QueryLogRepo(uow.conn).popular_with_prefix(key, limit)]
    if len(found) < limit:
        seen = {s.text for s in found}
        titles = [t for t in _titles(uow, key) if t.lower() not in seen]
        found += [Suggestion(t, "title") for t in titles[:limit - len(found)]]
    return found


def _titles(uow: UnitOfWork, key: str) -> list[str]:
    """Titles of products holding every finished term and one starting with the term being typed, best-selling
    first, in the script the shopper types."""
    terms = tokenize(key)
    if not terms:
        return []
    whole, prefix = terms[:-1], terms[-1]
    if len(prefix) < 2 and not _HAN.match(prefix):
        return []  # one Latin letter matches too much of the catalogue to be worth a look
    chinese = bool(_HAN.search(key))
    rows = ShopIndexRepo(uow.conn).titles_with_prefix(whole, prefix, TITLE_CANDIDATES)
    titles: list[str] = []
    for title_en, title_zh, _ in sorted(rows, key=lambda r: (-r[2], r[0])):
        title = (title_zh or title_en) if chinese else (title_en or title_zh)
        if title not in titles:
            titles.append(title)
    return titles
