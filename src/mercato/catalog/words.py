"""Prohibited-word matching (pure): one normalisation for the stored words and for the text they are sought in.

Normalising case-folds, decomposes compatibility forms (full-width letters, ligatures), drops accents and
invisible format characters (a zero-width space inside a word must not hide it) and collapses whitespace.
Each step maps character by character, so a word found in a text is still found after any text is put around it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from mercato.kernel.errors import InputInvalid

MAX_WORD_LENGTH = 64
_SPACES = re.compile(r"\s+")


class ProhibitedWordInvalid(InputInvalid):
    code = "prohibited_word_invalid"
    title = "The prohibited word is not acceptable"


def _kept(char: str) -> bool:
    category = unicodedata.category(char)
    if category == "Cc":
        return char.isspace()
    return unicodedata.combining(char) == 0 and category not in ("Mn", "Me", "Cf")


def normalise_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _SPACES.sub(" ", "".join(c for c in decomposed if _kept(c)))


def normalise_word(word: str) -> str:
    """The stored form of a prohibited word; refuses one that is empty or too long once normalised."""
    normal = normalise_text(word).strip()
    if not normal or len(normal) > MAX_WORD_LENGTH:
        raise ProhibitedWordInvalid(f"A prohibited word must be 1 to {MAX_WORD_LENGTH} characters",
                                    field="word", maximum=MAX_WORD_LENGTH)
    return normal


def find_prohibited(text: str, words: Iterable[str]) -> list[str]:
    """The normalised `words` that occur in `text` as substrings (Chinese has no word boundaries)."""
    if not text:
        return []
    haystack = normalise_text(text)
    return sorted({word for word in words if word and word in haystack})


@dataclass(frozen=True, slots=True)
class ProhibitedWord:
    id: str
    word: str  # normalised
    created_at: datetime
