"""Platform rule use cases: commission rates per vertical and store kind, and the prohibited-word list."""

from __future__ import annotations

from collections.abc import Iterable

from mercato.audit import service as audit
from mercato.catalog._access import require_operator
from mercato.catalog._categories import category_tree_in
from mercato.catalog.repo import TaxonomyRepo
from mercato.catalog.taxonomy import (
    CategoryNotFound,
    CommissionRateView,
    check_commission_rate,
    check_store_kind,
    commission_rate,
    rate_matrix,
)
from mercato.catalog.words import ProhibitedWord, normalise_word
from mercato.kernel.errors import DuplicateEntity, EntityNotFound
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork


class ProhibitedWordDuplicate(DuplicateEntity):
    code = "prohibited_word_duplicate"
    title = "This word is already prohibited"


def commission_rate_in(uow: UnitOfWork, vertical_id: str, store_kind: str) -> int:
    """Basis points the platform keeps on a sale in this vertical by this kind of store (default when unset)."""
    configured = TaxonomyRepo(uow.conn).rate(vertical_id, check_store_kind(store_kind))
    return commission_rate({(vertical_id, store_kind): configured} if configured is not None else {},
                           vertical_id, store_kind)


def commission_rates_in(uow: UnitOfWork, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Basis points for each (vertical, store kind) pair in one query, defaults where unset."""
    wanted = sorted(set(pairs))
    for _, kind in wanted:
        check_store_kind(kind)
    configured = TaxonomyRepo(uow.conn).rates_for(v for v, _ in wanted) if wanted else {}
    return {(v, k): commission_rate(configured, v, k) for v, k in wanted}


def commission_rates(rt: Runtime) -> list[CommissionRateView]:
    """The whole matrix: every vertical by every store kind."""
    with rt.uow(read_only=True) as uow:
        return rate_matrix(TaxonomyRepo(uow.conn).rates(), category_tree_in(uow).roots)


def set_commission_rate(rt: Runtime, operator: Principal, vertical_id: str, store_kind: str,
                        rate_bp: int) -> CommissionRateView:
    require_operator(operator)
    check_store_kind(store_kind)
    check_commission_rate(rate_bp)
    with rt.uow() as uow:
        vertical = category_tree_in(uow).categories.get(vertical_id)
        if vertical is None or vertical.level != 1:
            raise CategoryNotFound("Commission is set on a vertical (a top-level category)", field="vertical_id")
        before = commission_rate_in(uow, vertical_id, store_kind)
        TaxonomyRepo(uow.conn).upsert_rate(vertical_id, store_kind, rate_bp, rt.clock.now())
        audit.record(uow, operator, "commission.rate.set", "category", vertical_id,
                     {"store_kind": store_kind, "from_bp": before, "to_bp": rate_bp}, rt.clock.now())
        uow.commit()
    return CommissionRateView(vertical_id, store_kind, rate_bp, False)


def prohibited_words(rt: Runtime, operator: Principal) -> list[ProhibitedWord]:
    require_operator(operator)
    with rt.uow(read_only=True) as uow:
        return TaxonomyRepo(uow.conn).words()


def prohibited_word_texts_in(uow: UnitOfWork) -> list[str]:
    return TaxonomyRepo(uow.conn).word_texts()


def add_prohibited_word(rt: Runtime, operator: Principal, word: str) -> ProhibitedWord:
    """Stored normalised (case-folded, accents and invisible characters removed): matching ignores them too."""
    require_operator(operator)
    entry = ProhibitedWord(new_id(), normalise_word(word), rt.clock.now())
    with rt.uow() as uow:
        if not TaxonomyRepo(uow.conn).add_word(entry):
            raise ProhibitedWordDuplicate(field="word", word=entry.word)
        audit.record(uow, operator, "prohibited_word.add", "prohibited_word", entry.id, {"word": entry.word},
                     rt.clock.now())
        uow.commit()
    return entry


def remove_prohibited_word(rt: Runtime, operator: Principal, word_id: str) -> None:
    require_operator(operator)
    with rt.uow() as uow:
        removed = TaxonomyRepo(uow.conn).remove_word(word_id)
        if removed is None:
            raise EntityNotFound("No such prohibited word", field="word_id")
        audit.record(uow, operator, "prohibited_word.remove", "prohibited_word", word_id, {"word": removed},
                     rt.clock.now())
        uow.commit()
