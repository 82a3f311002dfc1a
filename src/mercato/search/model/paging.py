"""Search cursors: opaque to clients, checked on the way back in like every cursor of `mercato.kernel.pagination`.

A cursor holds the sort it belongs to, where the next page starts and the terms page one settled on (so a relaxed
query keeps its relaxation on every page). For relevance the start is an offset into the final order (the re-ranked
window, then the text order beyond it: positions never repeat or skip); for the other sorts it is the keyset of the
last hit (its sort value and document number).
"""

from __future__ import annotations

from dataclasses import dataclass

from mercato.kernel.pagination import CursorInvalid, decode_cursor, encode_cursor
from mercato.search.model.query import clean_query
from mercato.search.model.types import SearchSort

MAX_OFFSET = 10_000  # deep relevance pages beyond this are refused: nobody reads them, and they cost a scan
_MAX_KEY = 2**62


@dataclass(frozen=True, slots=True)
class SearchCursor:
    sort: SearchSort
    offset: int = 0  # relevance: the position the next page starts at
    after_value: int = 0  # other sorts: the last hit's sort value
    after_doc: int = 0  # other sorts: the last hit's document number
    terms: tuple[str, ...] = ()


def encode_search_cursor(cursor: SearchCursor) -> str:
    first = cursor.offset if cursor.sort is SearchSort.RELEVANCE else cursor.after_value
    return encode_cursor([cursor.sort.value, first, cursor.after_doc, " ".join(cursor.terms)])


def decode_search_cursor(text: str, sort: SearchSort, query_terms: list[str]) -> SearchCursor:
    """The cursor, refused (CursorInvalid) when malformed, out of range or made for another sort; its terms are
    re-cleaned and kept only when they belong to this query (a cursor is user input)."""
    if len(text) > 2000:
        raise CursorInvalid()
    sort_value, first, doc, terms = decode_cursor(text, 4)
    if sort_value != sort.value or not isinstance(first, int) or not isinstance(doc, int):
        raise CursorInvalid()
    if not isinstance(terms, str) or not -_MAX_KEY < first < _MAX_KEY or not 0 <= doc < _MAX_KEY:
        raise CursorInvalid()
    used = tuple(t for t in clean_query(terms).terms if t in query_terms)
    if sort is SearchSort.RELEVANCE:
        if not 0 <= first <= MAX_OFFSET:
            raise CursorInvalid()
        return SearchCursor(sort, offset=first, terms=used)
    return SearchCursor(sort, after_value=first, after_doc=doc, terms=used)
