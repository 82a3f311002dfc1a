"""The synonym table the operator edits (a word and the words meaning the same), and the analysed mapping search
uses, cached per process and rebuilt when the stored version changes (every edit gives it a new one).

Each word must be one search term once analysed (`sneakers` -> `sneaker`; `运动鞋` keeps its whole word), since
synonyms stand in for a single query term. Edits are operator-only, audited and validated before anything changes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mercato.audit import service as audit
from mercato.kernel.errors import DuplicateEntity, EntityNotFound, InputInvalid
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import is_safe_term, normalise, tokenize
from mercato.search.shops_repo import SynonymRepo, SynonymRow
from mercato.stores.service import require_operator

WORD_MAX = 40
ALTERNATIVES_MAX = 20


class SynonymWordEmpty(InputInvalid):
    code = "synonym_word_empty"
    title = "A synonym needs a word with letters or digits"


class SynonymWordTooLong(InputInvalid):
    code = "synonym_word_too_long"
    title = "A synonym word has at most 40 characters"


class SynonymNotOneTerm(InputInvalid):
    code = "synonym_not_one_term"
    title = "A synonym must be a single search term (one word, not a phrase)"


class SynonymAlternativesEmpty(InputInvalid):
    code = "synonym_alternatives_empty"
    title = "Give at least one word meaning the same"


class SynonymAlternativesTooMany(InputInvalid):
    code = "synonym_alternatives_too_many"
    title = "A word has at most 20 synonyms"


class SynonymSelfReference(InputInvalid):
    code = "synonym_self_reference"
    title = "A word cannot be its own synonym"


class SynonymAlternativeRepeated(InputInvalid):
    code = "synonym_alternative_repeated"
    title = "The same synonym is given twice"


class SynonymDuplicate(DuplicateEntity):
    code = "synonym_duplicate"
    title = "This word already has a synonym entry; edit that one"


class SynonymNotFound(EntityNotFound):
    code = "synonym_not_found"
    title = "No such synonym entry"


@dataclass(frozen=True, slots=True)
class SynonymEntry:
    id: str
    word: str
    alternatives: tuple[str, ...]
    updated_at: datetime


# --- the pure rules ---------------------------------------------------------------------------------------------


def normalise_word(raw: object) -> str:
    """NFKC, lower case, inner whitespace collapsed: how words are stored and compared."""
    return " ".join(normalise(raw).split()) if isinstance(raw, str) else ""


def term_of(word: str) -> str | None:
    """The one search term `word` stands for: its only analysed term, or the whole word when the analyser keeps
    it among its parts (jieba's search mode splits `运动鞋` into `运动` and `运动鞋`); None for a phrase."""
    terms = tokenize(word)
    if len(terms) == 1:
        return terms[0] if is_safe_term(terms[0]) else None
    return word if word in terms and is_safe_term(word) else None


def _check_word(raw: object, field: str) -> str:
    word = normalise_word(raw)
    if not word or not tokenize(word):
        raise SynonymWordEmpty(field=field)
    if len(word) > WORD_MAX:
        raise SynonymWordTooLong(field=field)
    if term_of(word) is None:
        raise SynonymNotOneTerm(field=field, word=word)
    return word


def check_entry(raw_word: object, raw_alternatives: object) -> tuple[str, tuple[str, ...]]:
    """The normalised word and alternatives, or the first rule they break."""
    word = _check_word(raw_word, "word")
    if isinstance(raw_alternatives, str) or not isinstance(raw_alternatives, Sequence):
        raise SynonymAlternativesEmpty(field="alternatives")
    alternatives = [a for a in raw_alternatives if not (isinstance(a, str) and not a.strip())]
    if not alternatives:
        raise SynonymAlternativesEmpty(field="alternatives")
    if len(alternatives) > ALTERNATIVES_MAX:
        raise SynonymAlternativesTooMany(field="alternatives")
    checked: list[str] = []
    for raw in alternatives:
        alternative = _check_word(raw, "alternatives")
        if alternative == word or term_of(alternative) == term_of(word):
            raise SynonymSelfReference(field="alternatives", word=alternative)
        if alternative in checked:
            raise SynonymAlternativeRepeated(field="alternatives", word=alternative)
        checked.append(alternative)
    return word, tuple(checked)


def analysed_table(entries: Sequence[tuple[str, Sequence[str]]]) -> dict[str, list[str]]:
    """term -> the terms meaning the same, both ways, each list in entry order without the term itself."""
    table: dict[str, list[str]] = {}
    for word, alternatives in entries:
        group = [t for t in (term_of(w) for w in [word, *alternatives]) if t is not None]
        for term in group:
            known = table.setdefault(term, [])
            known.extend(other for other in group if other != term and other not in known)
    return table


def parse_alternatives(text: str) -> list[str]:
    """A form's alternatives: separated by commas (either width) or new lines."""
    return [part for part in text.replace("，", ",").replace("\n", ",").split(",") if part.strip()]


# --- storage and the per-process cache ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, tuple[str, dict[str, list[str]]]] = {}


def _entry(row: SynonymRow) -> SynonymEntry:
    entry_id, word, alternatives, updated_at = row
    return SynonymEntry(id=entry_id, word=word, alternatives=tuple(alternatives), updated_at=updated_at)


def list_synonyms_in(uow: UnitOfWork) -> list[SynonymEntry]:
    return [_entry(row) for row in SynonymRepo(uow.conn).all()]


def synonyms_in(uow: UnitOfWork) -> Mapping[str, Sequence[str]]:
    """The analysed mapping for `search_in(..., synonyms=...)`: one version read per call, the table itself read
    only when another process (or this one) has edited it since."""
    key = uow.conn.engine.url.render_as_string(hide_password=True)
    version = SynonymRepo(uow.conn).version()
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    table = analysed_table([(e.word, e.alternatives) for e in list_synonyms_in(uow)])
    with _lock:
        _cache[key] = (version, table)
    return table


def _get(repo: SynonymRepo, entry_id: str) -> SynonymEntry:
    row = repo.get(entry_id[:64])
    if row is None:
        raise SynonymNotFound(entity="search_synonym")
    return _entry(row)


def _refuse_taken(repo: SynonymRepo, word: str, entry_id: str | None) -> None:
    other = repo.id_of_word(word)
    if other is not None and other != entry_id:
        raise SynonymDuplicate(field="word", word=word)


def add_synonym(rt: Runtime, operator: Principal, word: object, alternatives: object) -> SynonymEntry:
    require_operator(operator)
    clean_word, clean_alternatives = check_entry(word, alternatives)
    now = rt.clock.now()
    entry = SynonymEntry(id=new_id(), word=clean_word, alternatives=clean_alternatives, updated_at=now)
    with rt.uow() as uow:
        repo = SynonymRepo(uow.conn)
        _refuse_taken(repo, clean_word, None)
        repo.insert(entry.id, entry.word, entry.alternatives, now)
        repo.renew_version(new_id())
        audit.record(uow, operator, "search.synonym_add", "search_synonym", entry.id,
                     {"word": entry.word, "alternatives": list(entry.alternatives)}, now)
        uow.commit()
    return entry


def update_synonym(rt: Runtime, operator: Principal, entry_id: str, word: object,
                   alternatives: object) -> SynonymEntry:
    require_operator(operator)
    clean_word, clean_alternatives = check_entry(word, alternatives)
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = SynonymRepo(uow.conn)
        before = _get(repo, entry_id)
        _refuse_taken(repo, clean_word, before.id)
        repo.update(before.id, clean_word, clean_alternatives, now)
        repo.renew_version(new_id())
        audit.record(uow, operator, "search.synonym_edit", "search_synonym", before.id,
                     {"word": clean_word, "alternatives": list(clean_alternatives), "was": before.word}, now)
        uow.commit()
    return SynonymEntry(id=before.id, word=clean_word, alternatives=clean_alternatives, updated_at=now)


def delete_synonym(rt: Runtime, operator: Principal, entry_id: str) -> None:
    require_operator(operator)
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = SynonymRepo(uow.conn)
        before = _get(repo, entry_id)
        repo.delete(before.id)
        repo.renew_version(new_id())
        audit.record(uow, operator, "search.synonym_delete", "search_synonym", before.id,
                     {"word": before.word, "alternatives": list(before.alternatives)}, now)
        uow.commit()


def list_synonyms(rt: Runtime, operator: Principal) -> list[SynonymEntry]:
    require_operator(operator)
    with rt.uow(read_only=True) as uow:
        return list_synonyms_in(uow)


def seed_synonyms_in(uow: UnitOfWork, entries: Sequence[tuple[str, Sequence[str]]], now: datetime) -> int:
    """Add entries whose word is not in the table yet (demo data, fixtures); returns how many were added."""
    repo = SynonymRepo(uow.conn)
    added = 0
    for word, alternatives in entries:
        clean_word, clean_alternatives = check_entry(word, alternatives)
        if repo.id_of_word(clean_word) is None:
            repo.insert(new_id(), clean_word, clean_alternatives, now)
            added += 1
    if added:
        repo.renew_version(new_id())
    return added
