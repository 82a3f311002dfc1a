"""The pure search core: text analysis, query cleaning, synonyms, term relaxation, facets, cursors and the
re-rank (no I/O)."""

from mercato.search.model.analysis import MAX_QUERY_CHARS, analyse, is_safe_term, normalise, tokenize
from mercato.search.model.query import CleanQuery, clean_query, expand_synonyms, relaxations
from mercato.search.model.types import (
    Facets,
    PriceBand,
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchResult,
    SearchSort,
)

__all__ = [
    "MAX_QUERY_CHARS", "CleanQuery", "Facets", "PriceBand", "SearchDocument", "SearchFilters", "SearchHit",
    "SearchResult", "SearchSort", "analyse", "clean_query", "expand_synonyms", "is_safe_term", "normalise",
    "relaxations", "tokenize",
]
