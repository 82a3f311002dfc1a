"""The merchant catalog pages: a store's products, the new-product form (attribute fields reload by htmx or by
a plain submit), the product editor with its SKUs, and the stock table. Operator pages live in `_web_ops`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.catalog import service
from mercato.catalog._web_ops import router as ops_router
from mercato.catalog.edits import ProductEdit, SkuChange
from mercato.catalog.forms import lines, parse_count, parse_price, parse_sku_line, parse_sku_lines
from mercato.catalog.model import ListingRejected, ProductDraft, ProductStatus, SkuStatus
from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import gettext, render, verify_csrf
from mercato.web.guards import PageRoute, page_principal

router = APIRouter(route_class=PageRoute)
router.include_router(ops_router)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=1000)]
Long = Annotated[str, Form(max_length=50_000)]
DONE = {"created": "The product is listed", "saved": "The changes are saved", "delisted": "The product is delisted",
        "relisted": "The product is back on sale", "sku": "The SKU is saved", "stock": "The stock is saved"}


def _flash(done: str) -> str | None:
    return gettext(DONE[done]) if done in DONE else None


def _failed(exc: DomainError) -> dict[str, Any]:
    violations = exc.violations if isinstance(exc, ListingRejected) else []
    return {"status_code": exc.status, "error": gettext(exc.message), "error_code": exc.code,
            "violations": violations}


# --- products -----------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/products", response_class=HTMLResponse)
def products_page(request: Request, rt: Rt, me: Me, store_id: str, status: str = "", cursor: str = "",
                  done: str = "") -> Response:
    store = service.workbench_store(rt, me, store_id)
    wanted = ProductStatus(status) if status in ProductStatus._value2member_map_ else None
    page = service.list_store_products(rt, me, store_id, wanted, cursor or None)
    totals = service.stock_totals(rt, me, store_id, [p.id for p in page.items])
    return render(request, "catalog/products.html", store=store, page=page, totals=totals, status=status,
                  statuses=list(ProductStatus), flash=_flash(done))


def _form_context(rt: Runtime, form: dict[str, Any]) -> dict[str, Any]:
    tree = service.category_tree(rt)
    category = tree.categories.get(form.get("category_id", ""))
    return {"tree": tree, "choices": [c for c in tree.walk() if tree.is_active(c.id)],
            "attributes": tree.attributes_for(category.id) if category else [], "brands": service.brand_choices(rt),
            "form": form}


@router.get("/merchant/stores/{store_id}/products/new", response_class=HTMLResponse)
def new_product_page(request: Request, rt: Rt, me: Me, store_id: str, category_id: str = "") -> Response:
    store = service.workbench_store(rt, me, store_id)
    return render(request, "catalog/product_new.html", store=store,
                  **_form_context(rt, {"category_id": category_id}))


@router.get("/merchant/stores/{store_id}/products/new/attributes", response_class=HTMLResponse)
def attribute_fields(request: Request, rt: Rt, me: Me, store_id: str, category_id: str = "") -> Response:
    """The htmx fragment: the attribute fields of the chosen category."""
    service.workbench_store(rt, me, store_id)
    return render(request, "catalog/_attribute_fields.html", **_form_context(rt, {"category_id": category_id}))


def _attributes_from(form: Any) -> dict[str, str]:
    return {key[5:]: str(value)[:1000] for key, value in form.items() if key.startswith("attr_") and
            len(key) <= 40 and str(value).strip()}


@router.post("/merchant/stores/{store_id}/products/new", response_class=HTMLResponse)
async def new_product_submit(request: Request, rt: Rt, me: Me, store_id: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    verify_csrf(request, form.get("csrf_token"))
    store = service.workbench_store(rt, me, store_id)
    if form.get("action") == "reload":  # without JavaScript: show the chosen category's attribute fields
        return render(request, "catalog/product_new.html", store=store, **_form_context(rt, form))
    try:
        product = service.create_product(rt, me, store_id, _draft_from(form))
    except DomainError as exc:
        return render(request, "catalog/product_new.html", store=store, **_form_context(rt, form), **_failed(exc))
    return RedirectResponse(f"/merchant/products/{product.id}?done=created", status_code=303)


def _draft_from(form: dict[str, str]) -> ProductDraft:
    return ProductDraft(
        category_id=form.get("category_id", ""), brand_id=form.get("brand_id") or None,
        title_en=form.get("title_en", ""), title_zh=form.get("title_zh", ""),
        description_en=form.get("description_en", ""), description_zh=form.get("description_zh", ""),
        attributes=_attributes_from(form), image_urls=tuple(lines(form.get("image_urls", ""))),
        skus=parse_sku_lines(form.get("skus", "")))


# --- one product --------------------------------------------------------------------------------------------------

def _product_page(request: Request, rt: Runtime, me: Principal, product_id: str, **context: Any) -> HTMLResponse:
    product, stocked = service.get_product_for_merchant(rt, me, product_id)
    store = service.workbench_store(rt, me, product.store_id)
    form = context.pop("form", None) or {
        "category_id": product.category_id, "brand_id": product.brand_id or "", "title_en": product.title_en,
        "title_zh": product.title_zh, "description_en": product.description_en,
        "description_zh": product.description_zh, "image_urls": "\n".join(product.image_urls),
        **{f"attr_{k}": v for k, v in product.attributes.items()}}
    return render(request, "catalog/product_edit.html", store=store, product=product, stocked=stocked,
                  **_form_context(rt, form), **context)


@router.get("/merchant/products/{product_id}", response_class=HTMLResponse)
def product_page(request: Request, rt: Rt, me: Me, product_id: str, done: str = "") -> Response:
    return _product_page(request, rt, me, product_id, flash=_flash(done))


@router.post("/merchant/products/{product_id}", response_class=HTMLResponse)
async def product_save(request: Request, rt: Rt, me: Me, product_id: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    verify_csrf(request, form.get("csrf_token"))
    if form.get("action") == "reload":
        return _product_page(request, rt, me, product_id, form=form)
    edit = ProductEdit(category_id=form.get("category_id", ""), brand_id=form.get("brand_id") or None,
                       clear_brand=not form.get("brand_id"), title_en=form.get("title_en", ""),
                       title_zh=form.get("title_zh", ""), description_en=form.get("description_en", ""),
                       description_zh=form.get("description_zh", ""), attributes=_attributes_from(form),
                       image_urls=tuple(lines(form.get("image_urls", ""))))
    try:
        service.update_product(rt, me, product_id, edit)
    except DomainError as exc:
        return _product_page(request, rt, me, product_id, form=form, **_failed(exc))
    return RedirectResponse(f"/merchant/products/{product_id}?done=saved", status_code=303)


@router.post("/merchant/products/{product_id}/{action}", response_class=HTMLResponse)
def product_status(request: Request, rt: Rt, me: Me, product_id: str, action: str,
                   csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    if action not in ("delist", "relist"):
        return _product_page(request, rt, me, product_id, status_code=404, error=gettext("Not found"))
    try:
        (service.delist_product if action == "delist" else service.relist_product)(rt, me, product_id)
    except DomainError as exc:
        return _product_page(request, rt, me, product_id, **_failed(exc))
    return RedirectResponse(f"/merchant/products/{product_id}?done={action}ed", status_code=303)


@router.post("/merchant/products/{product_id}/skus/new", response_class=HTMLResponse)
def sku_add(request: Request, rt: Rt, me: Me, product_id: str, csrf_token: Csrf = "", line: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.add_sku(rt, me, product_id, parse_sku_line(line, 1))
    except DomainError as exc:
        return _product_page(request, rt, me, product_id, sku_line=line, **_failed(exc))
    return RedirectResponse(f"/merchant/products/{product_id}?done=sku", status_code=303)


@router.post("/merchant/skus/{sku_id}", response_class=HTMLResponse)
def sku_save(request: Request, rt: Rt, me: Me, sku_id: str, product_id: Short = "", csrf_token: Csrf = "",
             price: Short = "", list_price: Short = "", status: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        change = SkuChange(price_minor=parse_price(price, "price"),
                           list_price_minor=parse_price(list_price, "list price") if list_price.strip() else None,
                           list_price_set=True, status=SkuStatus(status) if status in ("active", "inactive") else None)
        sku = service.update_sku(rt, me, sku_id, change)
    except DomainError as exc:
        if not product_id:
            raise
        return _product_page(request, rt, me, product_id, **_failed(exc))
    return RedirectResponse(f"/merchant/products/{sku.product_id}?done=sku", status_code=303)


# --- stock --------------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/stock", response_class=HTMLResponse)
def stock_page(request: Request, rt: Rt, me: Me, store_id: str, low: str = "", cursor: str = "",
               done: str = "") -> Response:
    store = service.workbench_store(rt, me, store_id, "stock")
    page = service.store_stock_rows(rt, me, store_id, cursor or None, 50, low_stock_only=low == "1")
    return render(request, "catalog/stock.html", store=store, page=page, low=low == "1", flash=_flash(done))


@router.post("/merchant/skus/{sku_id}/stock", response_class=HTMLResponse)
def stock_save(request: Request, rt: Rt, me: Me, sku_id: str, csrf_token: Csrf = "",
               quantity: Short = "") -> Response:
    """Plain form: back to the stock page. htmx: answers the table row alone, with the error in it if refused."""
    verify_csrf(request, csrf_token)
    row = service.stock_row(rt, me, sku_id)  # 404 for another store's SKU, before anything else
    htmx = request.headers.get("HX-Request") == "true"
    try:
        service.set_sku_stock(rt, me, sku_id, parse_count(quantity, "quantity"))
    except DomainError as exc:
        if not htmx:
            return render(request, "catalog/stock.html", store=service.workbench_store(rt, me, row.level.store_id,
                                                                                      "stock"),
                          page=service.store_stock_rows(rt, me, row.level.store_id), low=False, **_failed(exc))
        return render(request, "catalog/_stock_row.html", row=row, row_error=gettext(exc.message),
                      status_code=exc.status)
    if htmx:
        return render(request, "catalog/_stock_row.html", row=service.stock_row(rt, me, sku_id), saved=True)
    return RedirectResponse(f"/merchant/stores/{row.level.store_id}/stock?done=stock", status_code=303)
