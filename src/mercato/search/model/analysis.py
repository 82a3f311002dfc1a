"""Text analysis shared by indexing and querying: NFKC (full-width to half-width), lower-casing, jieba for Chinese
runs, Latin/digit word splitting with a light English plural stemmer, and a minimal stop-word list."""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from typing import Any

MAX_QUERY_CHARS = 200
# Han ideographs (basic + extension A + compatibility) form the Chinese runs that jieba segments.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+", re.UNICODE)
_HAN_RUN = re.compile(rf"[{_HAN}]+")
_SAFE = re.compile(r"[^\W_]+", re.UNICODE)
STOP_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "for", "with", "to", "in", "on", "的", "了", "和"})

_lock = threading.Lock()
_jieba: Any = None


def _segmenter() -> Any:
    """jieba, loaded once per process and quietly: the first load builds its prefix dictionary (~0.5 s, cached
    on disk by jieba itself); nothing is ever downloaded, the dictionary ships inside the package."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and punctuation become half-width), lower case, control chars removed."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in folded)


def stem(word: str) -> str:
    """A light English plural stemmer: cases -> case, batteries -> battery, boxes -> box; words of 3 letters or
    fewer, and any word with a digit or a non-ASCII letter, are left as they are."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha() or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith(("us", "is")) else word


@functools.lru_cache(maxsize=65_536)
def _han_terms(run: str) -> tuple[str, ...]:
    """jieba's terms of one Chinese run, cached: titles and attribute values repeat their runs, and segmenting a
    run is most of analysis (bench/README.md, search speed: the build's analysis 3.3x faster)."""
    words = _segmenter().lcut_for_search(run, HMM=True)
    return tuple(w for w in words if _HAN_RUN.fullmatch(w))


def clear_analysis_cache() -> None:
    """Forget the cached segmentations (benchmarks time each build from a cold cache)."""
    _han_terms.cache_clear()


def tokenize(text: str) -> list[str]:
    """The terms of `text` in order, duplicates kept (indexing counts them): every term is a safe word."""
    terms: list[str] = []
    for match in _RUN.finditer(normalise(text)):
        run = match.group()
        if _HAN_RUN.fullmatch(run):
            terms.extend(_han_terms(run))
        else:
            terms.append(stem(run))
    return [t for t in terms if t not in STOP_WORDS]


def analyse(*texts: str) -> str:
    """The space-joined terms of every text, as stored in the index's token column."""
    return " ".join(term for text in texts for term in tokenize(text))


def is_safe_term(term: str) -> bool:
    """Letters and digits only (any script): no quote, operator character or space, and not an FTS keyword
    in upper case (terms are lower case, which FTS5 and to_tsquery treat as plain words)."""
    return bool(_SAFE.fullmatch(term)) and term == term.lower() and len(term) <= MAX_QUERY_CHARS
