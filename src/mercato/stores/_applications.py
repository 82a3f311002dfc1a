"""Store applications: a consumer applies, an operator approves (which opens the store) or rejects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from mercato.audit import service as audit
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import (
    Page,
    clamp_limit,
    decode_id_cursor,
    page_by_id,
)
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.stores._access import require_operator
from mercato.stores._brands import get_brand_in, grant_brand_authorisation_in
from mercato.stores.errors import ApplicationAlreadyDecided, ApplicationPending, BrandUnknown, SlugTaken
from mercato.stores.model import (
    ApplicationDraft,
    ApplicationStatus,
    ApplicationView,
    StaffRole,
    StoreKind,
    StoreProfileChanged,
    StoreStatus,
    StoreView,
    ValidApplication,
    check_valid_until,
    decide_application,
    normalize_reason,
    validate_application,
)
from mercato.stores.repo import ApplicationRepo, StaffRepo, StoreRepo


def apply_for_store(rt: Runtime, principal: Principal, draft: ApplicationDraft) -> ApplicationView:
    """Submit an application; one pending application per applicant, and its address must be free."""
    now = rt.clock.now()
    valid = validate_application(draft, now.date(), id_key=rt.settings.resolved_secret_key().encode())
    with rt.uow() as uow:
        _check_can_apply(uow, principal, valid)
        app_id = new_id()
        _insert_once(uow, principal, valid, app_id, now)
        view = ApplicationRepo(uow.conn).get(app_id)
        uow.commit()
    assert view is not None
    return view


def _insert_once(uow: UnitOfWork, principal: Principal, valid: ValidApplication, app_id: str, now: datetime) -> None:
    # The partial unique indexes on pending applications settle a double-submitted form that raced past the
    # checks above; inside a savepoint, so the checks can run again and name the real problem.
    try:
        with uow.conn.begin_nested():
            ApplicationRepo(uow.conn).insert(app_id, principal.user_id, valid, now)
    except IntegrityError:
        _check_can_apply(uow, principal, valid)
        raise ApplicationPending() from None


def _check_can_apply(uow: UnitOfWork, principal: Principal, valid: ValidApplication) -> None:
    applications = ApplicationRepo(uow.conn)
    if applications.has_pending(principal.user_id):
        raise ApplicationPending()
    if StoreRepo(uow.conn).slug_exists(valid.slug) or applications.pending_slug_exists(valid.slug):
        raise SlugTaken(field="slug")
    if valid.brand_id is not None:
        try:
            get_brand_in(uow, valid.brand_id)
        except EntityNotFound:
            raise BrandUnknown(field="brand_id") from None


def get_application(rt: Runtime, principal: Principal, app_id: str) -> ApplicationView:
    """Visible to operators and to the applicant; anyone else gets 404."""
    with rt.uow(read_only=True) as uow:
        view = ApplicationRepo(uow.conn).get(app_id)
    if view is None or not (principal.is_operator or view.applicant_id == principal.user_id):
        raise EntityNotFound("Application not found", entity="application")
    return view


def my_applications(rt: Runtime, principal: Principal) -> list[ApplicationView]:
    """The principal's applications, newest first."""
    with rt.uow(read_only=True) as uow:
        return ApplicationRepo(uow.conn).of_applicant(principal.user_id)


def list_applications(rt: Runtime, operator: Principal, status: ApplicationStatus | None = None,
                      cursor: str | None = None, limit: int | None = 24) -> Page[ApplicationView]:
    """The review queue, oldest first."""
    require_operator(operator)
    size = clamp_limit(limit)
    after = decode_id_cursor(cursor)
    with rt.uow(read_only=True) as uow:
        rows = ApplicationRepo(uow.conn).page(status, after, size + 1)
    return page_by_id(rows, size)



def _load_pending(uow: UnitOfWork, app_id: str, target: ApplicationStatus) -> ApplicationView:
    view = ApplicationRepo(uow.conn).get(app_id, lock=True)
    if view is None:
        raise EntityNotFound("Application not found", entity="application")
    decide_application(view.status, target)
    return view


def approve_application(rt: Runtime, operator: Principal, app_id: str) -> StoreView:
    """Open the store: active, the applicant as owner, and for a flagship the brand authorisation, all at once."""
    require_operator(operator)
    now = rt.clock.now()
    with rt.uow() as uow:
        application = _load_pending(uow, app_id, ApplicationStatus.APPROVED)
        store = _open_store(uow, operator, application, now)
        if not ApplicationRepo(uow.conn).decide(app_id, ApplicationStatus.APPROVED, operator.user_id, now,
                                                store_id=store.id):
            raise ApplicationAlreadyDecided()
        audit.record(uow, operator, "store.approve", "store_application", app_id,
                     {"store_id": store.id, "slug": store.slug, "kind": store.kind.value}, now)
        rt.events.publish(uow, StoreProfileChanged(store.id))
        uow.commit()
    return store


def _open_store(uow: UnitOfWork, operator: Principal, application: ApplicationView, now: datetime) -> StoreView:
    stores = StoreRepo(uow.conn)
    if stores.slug_exists(application.slug):
        raise SlugTaken(field="slug")
    store = StoreView(
        id=new_id(), slug=application.slug, kind=application.kind, status=StoreStatus.ACTIVE,
        name_en=application.name_en, name_zh=application.name_zh, description_en=application.description,
        description_zh=application.description, logo_url=None, brand_id=application.brand_id,
        owner_id=application.applicant_id,
        created_at=now)
    stores.insert(store)
    StaffRepo(uow.conn).add(store.id, application.applicant_id, StaffRole.OWNER, frozenset(), now)
    if application.kind is StoreKind.FLAGSHIP:
        _authorise_flagship(uow, operator, store, application, now)
    return store


def _authorise_flagship(uow: UnitOfWork, operator: Principal, store: StoreView, application: ApplicationView,
                        now: datetime) -> None:
    # The licence may have lapsed while the application waited; opening a flagship on it would be wrong.
    until = check_valid_until(application.authorisation_until, now.date())
    assert application.brand_id is not None, "a flagship application always names its brand"
    assert application.authorisation_ref is not None
    grant_brand_authorisation_in(uow, operator, store.id, application.brand_id, application.authorisation_ref,
                                 until, now)


def reject_application(rt: Runtime, operator: Principal, app_id: str, reason: str) -> ApplicationView:
    require_operator(operator)
    why = normalize_reason(reason)
    now = rt.clock.now()
    with rt.uow() as uow:
        _load_pending(uow, app_id, ApplicationStatus.REJECTED)
        if not ApplicationRepo(uow.conn).decide(app_id, ApplicationStatus.REJECTED, operator.user_id, now,
                                                reason=why):
            raise ApplicationAlreadyDecided()
        audit.record(uow, operator, "store.reject", "store_application", app_id, {"reason": why}, now)
        view = ApplicationRepo(uow.conn).get(app_id)
        uow.commit()
    assert view is not None
    return view
