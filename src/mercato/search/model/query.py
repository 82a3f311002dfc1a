"""Query cleaning, synonym expansion and term relaxation: any input becomes a short list of safe terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mercato.search.model.analysis import MAX_QUERY_CHARS, is_safe_term, tokenize

MAX_TERMS = 12


@dataclass(frozen=True, slots=True)
class CleanQuery:
    terms: list[str]  # distinct, in query order, each safe for FTS5 and tsquery
    truncated: bool


def clean_query(raw: object) -> CleanQuery:
    """Never raises: non-text becomes empty; text is cut to 200 characters, analysed like documents (so operator
    characters and FTS keywords are plain words or gone), de-duplicated and cut to 12 terms."""
    text = raw if isinstance(raw, str) else ""
    truncated = len(text) > MAX_QUERY_CHARS
    terms: list[str] = []
    for term in tokenize(text[:MAX_QUERY_CHARS]):
        if is_safe_term(term) and term not in terms:
            terms.append(term)
    return CleanQuery(terms=terms[:MAX_TERMS], truncated=truncated)


def synonym_table(pairs: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """An operator's table (word -> words meaning the same) analysed like queries; it works both ways."""
    table: dict[str, list[str]] = {}
    for word, alternatives in pairs.items():
        group = [t for t in (" ".join(tokenize(w)) for w in [word, *alternatives]) if t and is_safe_term(t)]
        for term in group:
            table.setdefault(term, [])
            table[term] += [other for other in group if other != term and other not in table[term]]
    return table


def expand_synonyms(terms: Sequence[str], table: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Each term with its synonyms: one OR group per query term, the term itself first."""
    return [[term, *[s for s in table.get(term, ()) if s != term]] for term in terms]


def relaxations(terms: Sequence[str], frequencies: Mapping[str, int] | None = None) -> list[list[str]]:
    """The ever shorter term lists to try when nothing matches: drop the rarest term first (fewest documents;
    among equals the last one), down to a single term."""
    current = list(terms)
    tried: list[list[str]] = []
    counts = frequencies or {}
    while len(current) > 1:
        rarest = min(reversed(range(len(current))), key=lambda i: (counts.get(current[i], 0), -i))
        current = current[:rarest] + current[rarest + 1:]
        tried.append(list(current))
    return tried

