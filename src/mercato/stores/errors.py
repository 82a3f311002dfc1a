"""The stores refusals, each a kernel DomainError with a stable machine `code` (pure)."""

from __future__ import annotations

from mercato.kernel.errors import AccessDenied, DuplicateEntity, InputInvalid, StateConflict


class SlugInvalid(InputInvalid):
    code = "slug_invalid"
    title = "Use 3-48 lower-case letters, digits and inner hyphens"


class SlugReserved(InputInvalid):
    code = "slug_reserved"
    title = "This address is reserved by the platform"


class SlugTaken(DuplicateEntity):
    code = "slug_taken"
    title = "This address is already taken"


class ApplicationPending(DuplicateEntity):
    code = "application_pending"
    title = "You already have an application waiting for review"


class NameInvalid(InputInvalid):
    code = "name_invalid"
    title = "A name must be 1-80 characters"


class DescriptionInvalid(InputInvalid):
    code = "description_invalid"
    title = "A description must be at most 2000 characters"


class TagInvalid(InputInvalid):
    code = "tag_invalid"
    title = "A tag must be 1-16 letters, digits, spaces or - _ & + ."


class TagsTooMany(InputInvalid):
    code = "tags_too_many"
    title = "A store may have at most 10 tags"


class PhoneInvalid(InputInvalid):
    code = "phone_invalid"
    title = "A phone number has 6-15 digits, optionally after +"


class IdNumberInvalid(InputInvalid):
    code = "id_number_invalid"
    title = "Give a valid 18-character resident ID or a 6-20 character passport number"


class ImageUrlInvalid(InputInvalid):
    code = "image_url_invalid"
    title = "An image address must be an http(s) URL of at most 500 characters"


class ApplicationIncomplete(InputInvalid):
    code = "application_incomplete"
    title = "The application lacks a required field"


class AuthorisationExpired(InputInvalid):
    code = "authorisation_expired"
    title = "The brand authorisation has already expired"


class ReasonRequired(InputInvalid):
    code = "reason_required"
    title = "Give a reason of 1-500 characters"


class PermissionUnknown(InputInvalid):
    code = "permission_unknown"
    title = "Unknown permission"


class PermissionNotGrantable(InputInvalid):
    code = "permission_not_grantable"
    title = "Only the owner manages staff; this permission cannot be granted"


class PermissionMissing(AccessDenied):
    code = "permission_missing"
    title = "Your role in this store does not allow this"


class ApplicationAlreadyDecided(StateConflict):
    code = "application_already_decided"
    title = "This application has already been decided"


class StoreStatusConflict(StateConflict):
    code = "store_status_conflict"
    title = "The store is already in that state"


class StoreNotActive(StateConflict):
    code = "store_not_active"
    title = "The store is suspended"


class BrandUnknown(InputInvalid):
    code = "brand_unknown"
    title = "Choose a brand from the list"


class UserUnknown(InputInvalid):
    code = "user_unknown"
    title = "No account has this email; ask them to register first"


class StaffDuplicate(DuplicateEntity):
    code = "staff_duplicate"
    title = "This person is already on the store's staff"


class OwnerNotRemovable(StateConflict):
    code = "owner_not_removable"
    title = "The store's owner cannot be removed from its staff"


class OwnerPermissionsFixed(StateConflict):
    code = "owner_permissions_fixed"
    title = "The owner always holds every permission"
