"""The stores use cases, one public surface: public use cases take `rt` first and open their own unit of work;
helpers other capabilities call inside their transaction take `uow` first (`*_in`). The use cases live in
private modules grouped by concern (access, brands, applications, stores, staff) and are re-exported here.
"""

from __future__ import annotations

from mercato.stores._access import (
    get_store_in,
    require_active_store_in,
    require_operator,
    require_staff_in,
    stores_by_ids_in,
)
from mercato.stores._applications import (
    apply_for_store,
    approve_application,
    get_application,
    list_applications,
    my_applications,
    reject_application,
)
from mercato.stores._brands import (
    brand_authorisations_of,
    brands_by_ids_in,
    create_brand,
    get_brand,
    get_brand_in,
    grant_brand_authorisation,
    is_brand_authorised_in,
    list_brands,
    revoke_brand_authorisation,
    update_brand,
)
from mercato.stores._ratings import StoreServiceScores, service_scores_in, set_service_scores_in
from mercato.stores._staff import add_staff, list_staff, remove_staff, update_staff_permissions
from mercato.stores._stores import (
    ProfileDraft,
    find_store,
    get_store,
    get_store_by_slug,
    list_stores,
    membership,
    my_stores,
    reinstate_store,
    set_store_tags,
    stores_with,
    suspend_store,
    update_store_profile,
)
from mercato.stores.model import ApplicationDraft

__all__ = [
    "ApplicationDraft",
    "ProfileDraft",
    "StoreServiceScores",
    "add_staff",
    "apply_for_store",
    "approve_application",
    "brand_authorisations_of",
    "brands_by_ids_in",
    "create_brand",
    "find_store",
    "get_application",
    "get_brand",
    "get_brand_in",
    "get_store",
    "get_store_by_slug",
    "get_store_in",
    "grant_brand_authorisation",
    "is_brand_authorised_in",
    "list_applications",
    "list_brands",
    "list_staff",
    "list_stores",
    "membership",
    "my_applications",
    "my_stores",
    "reinstate_store",
    "reject_application",
    "remove_staff",
    "require_active_store_in",
    "require_operator",
    "require_staff_in",
    "revoke_brand_authorisation",
    "service_scores_in",
    "set_service_scores_in",
    "set_store_tags",
    "stores_by_ids_in",
    "stores_with",
    "suspend_store",
    "update_brand",
    "update_staff_permissions",
    "update_store_profile",
]
