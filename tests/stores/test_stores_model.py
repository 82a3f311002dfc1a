"""The stores rules with plain values and Hypothesis properties: transitions, permissions, slugs, names, tags,
phones, image addresses, identity numbers and whole applications."""

from __future__ import annotations

import hashlib
import hmac
import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.stores import errors
from mercato.stores.identity import is_valid_resident_id, normalize_id_number, resident_id_check_char
from mercato.stores.model import (
    ALL_PERMISSIONS,
    APPLICATION_TRANSITIONS,
    RESERVED_SLUGS,
    STORE_TRANSITIONS,
    ApplicationDraft,
    ApplicationStatus,
    Permission,
    StaffRole,
    StoreKind,
    StoreStatus,
    change_store_status,
    decide_application,
    deserialize_permissions,
    effective_permissions,
    grantable,
    normalize_image_url,
    normalize_names,
    normalize_phone,
    normalize_reason,
    normalize_slug,
    normalize_tags,
    parse_permissions,
    serialize_permissions,
    validate_application,
)

TODAY = date(2026, 11, 11)
VALID_RESIDENT_ID = "11010519491231002X"


# --- transitions ----------------------------------------------------------------------------------------------

ALLOWED_DECISIONS = [(ApplicationStatus.PENDING, ApplicationStatus.APPROVED),
                     (ApplicationStatus.PENDING, ApplicationStatus.REJECTED)]


@pytest.mark.parametrize(("current", "target"), ALLOWED_DECISIONS)
def test_a_pending_application_can_be_approved_or_rejected(current: ApplicationStatus,
                                                           target: ApplicationStatus) -> None:
    assert decide_application(current, target) is target


@pytest.mark.parametrize("current", [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED])
@pytest.mark.parametrize("target", list(ApplicationStatus))
def test_a_decided_application_never_changes_again(current: ApplicationStatus,
                                                   target: ApplicationStatus) -> None:
    with pytest.raises(errors.ApplicationAlreadyDecided) as caught:
        decide_application(current, target)
    assert caught.value.code == "application_already_decided"
    assert caught.value.params == {"status": current.value}


def test_an_application_cannot_go_back_to_pending() -> None:
    with pytest.raises(errors.ApplicationAlreadyDecided):
        decide_application(ApplicationStatus.PENDING, ApplicationStatus.PENDING)


def test_the_transition_tables_cover_every_status() -> None:
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationStatus)
    assert set(STORE_TRANSITIONS) == set(StoreStatus)


@given(st.sampled_from(list(StoreStatus)), st.sampled_from(list(StoreStatus)))
def test_a_store_only_moves_between_active_and_suspended(current: StoreStatus, target: StoreStatus) -> None:
    if current is target:
        with pytest.raises(errors.StoreStatusConflict):
            change_store_status(current, target)
    else:
        assert change_store_status(current, target) is target


# --- permissions ----------------------------------------------------------------------------------------------

permission_sets = st.frozensets(st.sampled_from(list(Permission)))


@given(permission_sets)
def test_the_owner_holds_every_permission_whatever_was_stored(granted: frozenset[Permission]) -> None:
    assert effective_permissions(StaffRole.OWNER, granted) == ALL_PERMISSIONS


@given(permission_sets)
def test_staff_hold_what_was_granted_but_never_staff(granted: frozenset[Permission]) -> None:
    effective = effective_permissions(StaffRole.STAFF, granted)
    assert Permission.STAFF not in effective
    assert effective == granted - {Permission.STAFF}


@given(permission_sets)
def test_permissions_survive_storage(granted: frozenset[Permission]) -> None:
    assert deserialize_permissions(serialize_permissions(granted)) == granted


def test_permission_names_are_parsed_case_insensitively_and_blanks_skipped() -> None:
    assert parse_permissions([" Products", "stock", "", "STOCK"]) == {Permission.PRODUCTS, Permission.STOCK}


def test_an_unknown_permission_is_refused() -> None:
    with pytest.raises(errors.PermissionUnknown) as caught:
        parse_permissions(["products", "refunds"])
    assert caught.value.code == "permission_unknown"


def test_the_staff_permission_cannot_be_granted() -> None:
    with pytest.raises(errors.PermissionNotGrantable):
        grantable(frozenset({Permission.PRODUCTS, Permission.STAFF}))
    assert grantable(frozenset({Permission.ORDERS})) == {Permission.ORDERS}


# --- slugs, names, reasons ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("tea-house", "tea-house"), ("  Tea-House ", "tea-house"),
                                               ("abc", "abc"), ("a1-b2-c3", "a1-b2-c3"), ("x" * 48, "x" * 48)])
def test_a_slug_is_trimmed_and_lower_cased(raw: str, expected: str) -> None:
    assert normalize_slug(raw) == expected


@pytest.mark.parametrize("raw", ["ab", "x" * 49, "-tea", "tea-", "tea house", "tea_house", "茶馆", "", "tea/x"])
def test_a_malformed_slug_is_refused(raw: str) -> None:
    with pytest.raises(errors.SlugInvalid) as caught:
        normalize_slug(raw)
    assert caught.value.code == "slug_invalid"


@pytest.mark.parametrize("raw", ["admin", "API", "ops", "merchant", "static"])
def test_a_reserved_slug_is_refused(raw: str) -> None:
    with pytest.raises(errors.SlugReserved):
        normalize_slug(raw)


@given(st.text(alphabet=string.ascii_letters + string.digits + "- ", max_size=60))
def test_an_accepted_slug_is_always_canonical(raw: str) -> None:
    try:
        slug = normalize_slug(raw)
    except (errors.SlugInvalid, errors.SlugReserved):
        return
    assert 3 <= len(slug) <= 48
    assert set(slug) <= set(string.ascii_lowercase + string.digits + "-")
    assert not slug.startswith("-")
    assert not slug.endswith("-")
    assert slug not in RESERVED_SLUGS
    assert normalize_slug(slug) == slug


def test_names_are_trimmed_and_a_missing_language_takes_the_other() -> None:
    assert normalize_names("  Tea   House ", "") == ("Tea House", "Tea House")
    assert normalize_names("", "茶馆") == ("茶馆", "茶馆")
    assert normalize_names("Tea", "茶") == ("Tea", "茶")


@pytest.mark.parametrize(("en", "zh"), [("", ""), ("   ", " "), ("x" * 81, "茶"), ("Tea\x00", "茶")])
def test_missing_or_oversized_names_are_refused(en: str, zh: str) -> None:
    with pytest.raises(errors.NameInvalid):
        normalize_names(en, zh)


def test_a_reason_is_required_and_bounded() -> None:
    assert normalize_reason("  fake   licence ") == "fake licence"
    for bad in ("", "   ", None, "x" * 501):
        with pytest.raises(errors.ReasonRequired):
            normalize_reason(bad)


# --- tags -----------------------------------------------------------------------------------------------------


def test_tags_are_lower_cased_and_deduplicated_keeping_the_first() -> None:
    assert normalize_tags(["Vintage", " vintage ", "Hand made", "茶", "VINTAGE"]) == ("vintage", "hand made", "茶")


@pytest.mark.parametrize("raw", ["", "   ", "x" * 17, "a,b", "<b>", "bell\x07"])
def test_a_malformed_tag_is_refused(raw: str) -> None:
    with pytest.raises(errors.TagInvalid):
        normalize_tags([raw])


def test_at_most_ten_distinct_tags_are_kept() -> None:
    ten = [f"tag{i}" for i in range(10)]
    assert len(normalize_tags([*ten, "TAG0"])) == 10
    with pytest.raises(errors.TagsTooMany):
        normalize_tags([*ten, "tag10"])


@given(st.lists(st.text(alphabet=string.ascii_letters + "中文 -", min_size=1, max_size=16), max_size=10))
def test_normalised_tags_are_unique_ignoring_case_and_stable(raws: list[str]) -> None:
    try:
        tags = normalize_tags(raws)
    except errors.TagInvalid:
        return
    assert len({t.casefold() for t in tags}) == len(tags)
    assert all(1 <= len(t) <= 16 for t in tags)
    assert normalize_tags(tags) == tags


# --- phones and image addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("138 0013 8000", "13800138000"), ("+86 (10) 6552-9988",
                                                                                    "+861065529988")])
def test_phone_separators_are_dropped(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "1" * 16, "138-abc-8000", "++8613800138000", "86+138001380"])
def test_a_malformed_phone_is_refused(raw: str) -> None:
    with pytest.raises(errors.PhoneInvalid):
        normalize_phone(raw)


def test_an_image_address_must_be_http_or_https_and_short() -> None:
    assert normalize_image_url(" https://cdn.example.com/logo.png ") == "https://cdn.example.com/logo.png"
    assert normalize_image_url("") is None
    assert normalize_image_url(None) is None
    for bad in ("javascript:alert(1)", "ftp://x.com/a.png", "https://", "/logo.png",
                "https://x.com/a b.png", "https://x.com/" + "a" * 490):
        with pytest.raises(errors.ImageUrlInvalid):
            normalize_image_url(bad)


# --- identity numbers -----------------------------------------------------------------------------------------


def test_a_known_resident_id_passes_its_checksum() -> None:
    assert is_valid_resident_id(VALID_RESIDENT_ID)
    assert normalize_id_number(" 110105 19491231 002x ") == VALID_RESIDENT_ID


def test_a_resident_id_with_a_wrong_check_character_is_refused() -> None:
    with pytest.raises(errors.IdNumberInvalid) as caught:
        normalize_id_number("110105194912310021")
    assert caught.value.code == "id_number_invalid"


def test_a_resident_id_with_an_impossible_birth_date_is_refused() -> None:
    first17 = "11010519490231002"  # 31 February
    with pytest.raises(errors.IdNumberInvalid):
        normalize_id_number(first17 + resident_id_check_char(first17))


@pytest.mark.parametrize(("raw", "expected"), [("e12345678", "E12345678"), ("G1234-5678", "G12345678")])
def test_a_passport_like_number_is_accepted(raw: str, expected: str) -> None:
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "A" * 21, "E1234567!", "护照123456"])
def test_a_malformed_passport_number_is_refused(raw: str) -> None:
    with pytest.raises(errors.IdNumberInvalid):
        normalize_id_number(raw)


birth_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@given(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True), birth_days, st.from_regex(r"[0-9]{3}", fullmatch=True))
def test_every_resident_id_with_its_computed_check_character_is_valid(region: str, born: date, seq: str) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq}"
    number = first17 + resident_id_check_char(first17)
    assert normalize_id_number(number) == number


@given(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True), birth_days, st.from_regex(r"[0-9]{3}", fullmatch=True),
       st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(region: str, born: date, seq: str, check: str) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq}"
    if check == resident_id_check_char(first17):
        return
    with pytest.raises(errors.IdNumberInvalid):
        normalize_id_number(first17 + check)


# --- whole applications ---------------------------------------------------------------------------------------


def independent(**overrides: object) -> ApplicationDraft:
    fields: dict[str, object] = {
        "kind": "independent", "slug": "tea-house", "name_en": "Tea House", "name_zh": "茶馆",
        "contact_phone": "13800138000", "description": "Leaf tea", "owner_legal_name": "Li Wei",
        "owner_id_number": VALID_RESIDENT_ID}
    fields.update(overrides)
    return ApplicationDraft(**fields)  # type: ignore[arg-type]


def flagship(**overrides: object) -> ApplicationDraft:
    fields: dict[str, object] = {
        "kind": "flagship", "slug": "acme-official", "name_en": "ACME Official", "name_zh": "ACME 官方旗舰店",
        "contact_phone": "13800138000", "brand_id": "B" * 26, "authorisation_ref": "LIC-2026-001",
        "authorisation_until": date(2027, 12, 31)}
    fields.update(overrides)
    return ApplicationDraft(**fields)  # type: ignore[arg-type]


ID_KEY = b"test-id-key"


def test_an_independent_application_keeps_only_a_digest_and_the_last_four_of_the_id_number() -> None:
    valid = validate_application(independent(), TODAY, id_key=ID_KEY)
    assert valid.kind is StoreKind.INDEPENDENT
    assert valid.owner_id_hash == hmac.new(ID_KEY, VALID_RESIDENT_ID.encode(), hashlib.sha256).hexdigest()
    assert valid.owner_id_hash != hashlib.sha256(VALID_RESIDENT_ID.encode()).hexdigest()
    assert valid.owner_id_last4 == "002X"
    assert valid.brand_id is None
    assert VALID_RESIDENT_ID not in repr(valid)


def test_an_independent_application_ignores_brand_fields() -> None:
    valid = validate_application(independent(brand_id="B" * 26, authorisation_ref="x"), TODAY, id_key=ID_KEY)
    assert (valid.brand_id, valid.authorisation_ref) == (None, None)


@pytest.mark.parametrize("missing", ["owner_legal_name", "owner_id_number"])
def test_an_independent_application_needs_the_owner_identity(missing: str) -> None:
    with pytest.raises(errors.ApplicationIncomplete) as caught:
        validate_application(independent(**{missing: "  "}), TODAY, id_key=ID_KEY)
    assert caught.value.params == {"field": missing}


def test_a_flagship_application_keeps_its_brand_and_licence_but_no_identity() -> None:
    draft = flagship(owner_legal_name="Li Wei", owner_id_number=VALID_RESIDENT_ID)
    valid = validate_application(draft, TODAY, id_key=ID_KEY)
    assert (valid.kind, valid.brand_id, valid.authorisation_ref) == (StoreKind.FLAGSHIP, "B" * 26, "LIC-2026-001")
    assert (valid.owner_legal_name, valid.owner_id_hash, valid.owner_id_last4) == (None, None, None)


@pytest.mark.parametrize("missing", ["brand_id", "authorisation_ref"])
def test_a_flagship_application_needs_a_brand_and_an_authorisation(missing: str) -> None:
    with pytest.raises(errors.ApplicationIncomplete) as caught:
        validate_application(flagship(**{missing: None}), TODAY, id_key=ID_KEY)
    assert caught.value.params == {"field": missing}


def test_a_flagship_authorisation_may_not_have_expired_but_may_end_today_or_never() -> None:
    with pytest.raises(errors.AuthorisationExpired):
        validate_application(flagship(authorisation_until=date(2026, 11, 10)), TODAY, id_key=ID_KEY)
    assert validate_application(flagship(authorisation_until=TODAY), TODAY, id_key=ID_KEY).authorisation_until == TODAY
    assert validate_application(flagship(authorisation_until=None), TODAY, id_key=ID_KEY).authorisation_until is None


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(errors.InputInvalid) as caught:
        validate_application(independent(kind="franchise"), TODAY, id_key=ID_KEY)
    assert caught.value.params == {"field": "kind"}
