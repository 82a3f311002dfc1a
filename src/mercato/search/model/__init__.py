"""The pure search core: text analysis, query cleaning, synonyms and term relaxation (no I/O)."""

from mercato.search.model.analysis import MAX_QUERY_CHARS, analyse, is_safe_term, normalise, tokenize
from mercato.search.model.query import CleanQuery, clean_query, expand_synonyms, relaxations
from mercato.search.model.types import SearchDocument, SearchFilters, SearchHit, SearchResult

__all__ = [
    "MAX_QUERY_CHARS", "CleanQuery", "SearchDocument", "SearchFilters", "SearchHit", "SearchResult", "analyse",
    "clean_query", "expand_synonyms", "is_safe_term", "normalise", "relaxations", "tokenize",
]
