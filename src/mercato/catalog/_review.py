"""The operators' review of listings in restricted categories: the queue, approval and rejection (audited)."""

from __future__ import annotations

from mercato.audit import service as audit
from mercato.catalog._access import require_operator
from mercato.catalog._products import get_product_in
from mercato.catalog.model import ProductNotFound, ProductsChanged, ProductView, check_reason, status_after_review
from mercato.catalog.repo_products import ProductRepo
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


def review_queue(rt: Runtime, operator: Principal, cursor: str | None = None,
                 limit: int | None = None) -> Page[ProductView]:
    """Products waiting for review, oldest first."""
    require_operator(operator)
    size = clamp_limit(limit, default=24)
    after = decode_id_cursor(cursor)
    with rt.uow(read_only=True) as uow:
        rows = ProductRepo(uow.conn).pending_page(after, size + 1)
    return page_by_id(rows, size)


def approve_product(rt: Runtime, operator: Principal, product_id: str) -> ProductView:
    return _decide(rt, operator, product_id, approved=True, note=None)


def reject_product(rt: Runtime, operator: Principal, product_id: str, reason: str) -> ProductView:
    return _decide(rt, operator, product_id, approved=False, note=check_reason(reason))


def _decide(rt: Runtime, operator: Principal, product_id: str, *, approved: bool,
            note: str | None) -> ProductView:
    require_operator(operator)
    with rt.uow() as uow:
        repo = ProductRepo(uow.conn)
        product = repo.get(product_id, lock=True)
        if product is None:
            raise ProductNotFound(field="product_id")
        status = status_after_review(product.status, approved)
        repo.update(product_id, status=status.value, review_note=note, updated_at=rt.clock.now())
        audit.record(uow, operator, "product.approve" if approved else "product.reject", "product", product_id,
                     {"store_id": product.store_id, "reason": note} if note else {"store_id": product.store_id},
                     rt.clock.now())
        rt.events.publish(uow, ProductsChanged((product_id,)))
        decided = get_product_in(uow, product_id)
        uow.commit()
    return decided
