"""The consumer's cart (lines grouped by store, each with its current price and any problem) and address book."""

from __future__ import annotations

from collections.abc import Collection

from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.recommend.events import NO_RATE_LIMIT, EventIn, record_events_in
from mercato.trade._sources import sku_facts_in
from mercato.trade.model import (
    MAX_ADDRESSES,
    MAX_CART_LINES,
    Address,
    AddressBookFull,
    AddressInput,
    AddressNotFound,
    CartFull,
    CartStoreGroup,
    CartView,
    SkuNotFound,
    added_quantity,
    cart_line,
    cart_view,
    check_line_quantity,
    check_settable_quantity,
    clean_address,
    group_by_store,
    refuse_unpurchasable,
)
from mercato.trade.repo import AddressRepo, CartRepo


def cart_groups_in(uow: UnitOfWork, consumer_id: str, sku_ids: Collection[str] | None = None, *,
                   with_stock: bool = True) -> tuple[CartStoreGroup, ...]:
    """The cart's lines (only `sku_ids` when given) priced now and grouped by store."""
    rows = CartRepo(uow.conn).lines(consumer_id)
    if sku_ids is not None:
        wanted = set(sku_ids)
        rows = [row for row in rows if row[0] in wanted]
    facts, stores = sku_facts_in(uow, [sku for sku, _, _ in rows], with_stock=with_stock)
    return group_by_store((cart_line(facts.get(sku), sku, qty, added) for sku, qty, added in rows), stores)


def _cart_in(uow: UnitOfWork, consumer_id: str) -> CartView:
    return cart_view(cart_groups_in(uow, consumer_id))


def cart(rt: Runtime, principal: Principal) -> CartView:
    with rt.uow(read_only=True) as uow:
        return _cart_in(uow, principal.user_id)


def add_to_cart(rt: Runtime, principal: Principal, sku_id: str, quantity: int) -> CartView:
    """Add units of a SKU on sale; a SKU already in the cart gets the units added (at most 999 in all)."""
    check_line_quantity(quantity)
    with rt.uow() as uow:
        facts, _ = sku_facts_in(uow, [sku_id], with_stock=False)
        refuse_unpurchasable(facts.get(sku_id))
        repo = CartRepo(uow.conn)
        existing = repo.quantity(principal.user_id, sku_id)
        if existing is None:
            if repo.count(principal.user_id) >= MAX_CART_LINES:
                raise CartFull(maximum=MAX_CART_LINES)
            repo.insert(principal.user_id, sku_id, quantity, rt.clock.now())
        else:
            repo.set_quantity(principal.user_id, sku_id, added_quantity(existing, quantity))
        fact = facts[sku_id]
        record_events_in(uow, [EventIn(principal.user_id, fact.product_id, "cart")], rt.clock.now(), NO_RATE_LIMIT)
        view = _cart_in(uow, principal.user_id)
        uow.commit()
    return view


def set_cart_quantity(rt: Runtime, principal: Principal, sku_id: str, quantity: int) -> CartView:
    """Set a line's quantity (1 to 999); 0 removes the line. A SKU not in the cart is 404."""
    wanted = check_settable_quantity(quantity)
    with rt.uow() as uow:
        repo = CartRepo(uow.conn)
        changed = (repo.delete(principal.user_id, [sku_id]) == 1 if wanted == 0
                   else repo.set_quantity(principal.user_id, sku_id, wanted))
        if not changed:
            raise _not_in_cart()
        view = _cart_in(uow, principal.user_id)
        uow.commit()
    return view


def remove_from_cart(rt: Runtime, principal: Principal, sku_id: str) -> CartView:
    """Remove a line; a SKU not in the cart is 404."""
    with rt.uow() as uow:
        if CartRepo(uow.conn).delete(principal.user_id, [sku_id]) != 1:
            raise _not_in_cart()
        view = _cart_in(uow, principal.user_id)
        uow.commit()
    return view


def _not_in_cart() -> Exception:
    return SkuNotFound("This item is not in the cart", field="sku_id")


# --- the address book ---------------------------------------------------------------------------------------------

def addresses(rt: Runtime, principal: Principal) -> list[Address]:
    """The consumer's addresses, the default first."""
    with rt.uow(read_only=True) as uow:
        return AddressRepo(uow.conn).of(principal.user_id)


def add_address(rt: Runtime, principal: Principal, draft: AddressInput) -> Address:
    """Add an address; the first one (or one asked for as default) becomes the default."""
    clean = clean_address(draft)
    with rt.uow() as uow:
        repo = AddressRepo(uow.conn)
        count = repo.count(principal.user_id)
        if count >= MAX_ADDRESSES:
            raise AddressBookFull(maximum=MAX_ADDRESSES)
        address_id = new_id()
        repo.insert(address_id, principal.user_id, clean, False, rt.clock.now())
        if clean.make_default or count == 0:
            repo.make_default(principal.user_id, address_id)
        address = _must_get(repo, principal.user_id, address_id)
        uow.commit()
    return address


def delete_address(rt: Runtime, principal: Principal, address_id: str) -> None:
    """Delete an address (orders keep their own copy); if it was the default, the newest left becomes it."""
    with rt.uow() as uow:
        repo = AddressRepo(uow.conn)
        was = _must_get(repo, principal.user_id, address_id)
        repo.delete(principal.user_id, address_id)
        successor = repo.newest_id(principal.user_id) if was.is_default else None
        if successor is not None:
            repo.make_default(principal.user_id, successor)
        uow.commit()


def set_default_address(rt: Runtime, principal: Principal, address_id: str) -> Address:
    with rt.uow() as uow:
        repo = AddressRepo(uow.conn)
        _must_get(repo, principal.user_id, address_id)
        repo.make_default(principal.user_id, address_id)
        address = _must_get(repo, principal.user_id, address_id)
        uow.commit()
    return address


def address_in(uow: UnitOfWork, consumer_id: str, address_id: str) -> Address:
    return _must_get(AddressRepo(uow.conn), consumer_id, address_id)


def _must_get(repo: AddressRepo, consumer_id: str, address_id: str) -> Address:
    address = repo.get(consumer_id, address_id)
    if address is None:
        raise AddressNotFound(field="address_id")
    return address
