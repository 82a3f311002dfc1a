"""Demo people and merchants: users, brands, flagship and independent stores, staff, tags, authorisations and the
store applications that led to them (plus a few still waiting for an operator)."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from mercato.demo.records import DemoLogin, PlainPassword, Row, StorePlan, new_id
from mercato.demo.vocab import TAGS, Brand, Pair, Tag
from mercato.demo.vocab_parties import (
    BRANDS,
    DISTRICT_CODES,
    FAMILY_NAMES,
    GIVEN_NAMES,
    SHOP_DESCRIPTIONS,
    SHOP_KINDS,
    SHOP_LABELS,
)
from mercato.stores.identity import resident_id_check_char

DOMAIN = "demo.mercato"
# Demo credentials are public on purpose: they are printed by `mercato demo` and never used outside it.
MERCHANT_PASSWORD = "demo-merchant-2026"  # noqa: S105
CONSUMER_PASSWORD = "demo-consumer-2026"  # noqa: S105
DEMO_LOGINS = (
    DemoLogin("consumer", f"consumer@{DOMAIN}", CONSUMER_PASSWORD, "browses both kinds of store"),
    DemoLogin("flagship merchant", f"flagship@{DOMAIN}", "demo-flagship-2026", "owns a brand flagship store"),
    DemoLogin("independent merchant", f"indie@{DOMAIN}", "demo-indie-2026", "owns an independent shop"),
    DemoLogin("operator", f"operator@{DOMAIN}", "demo-operator-2026", "platform operations"),
)
OPERATOR_EMAIL = DEMO_LOGINS[3].email  # also the marker that a database holds the demo
PENDING_APPLICATIONS = 4


@dataclass
class Parties:
    users: list[Row] = field(default_factory=list)
    brands: list[Row] = field(default_factory=list)
    stores: list[Row] = field(default_factory=list)
    store_staff: list[Row] = field(default_factory=list)
    store_tags: list[Row] = field(default_factory=list)
    brand_authorisations: list[Row] = field(default_factory=list)
    store_applications: list[Row] = field(default_factory=list)
    plans: list[StorePlan] = field(default_factory=list)
    brand_ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PartyCounts:
    flagship: int
    independent: int
    consumers: int


def build_parties(rng: random.Random, counts: PartyCounts, as_of: datetime) -> Parties:
    parties = Parties()
    founded = as_of - timedelta(days=800)
    operator = _user(parties, rng, DEMO_LOGINS[3], "Demo Operator", "en", founded, is_operator=True)
    _user(parties, rng, DEMO_LOGINS[0], "Demo Consumer", "en", founded + timedelta(days=30))
    for brand in BRANDS:
        parties.brand_ids[brand.slug] = new_id(rng, founded)
        parties.brands.append({"id": parties.brand_ids[brand.slug], "slug": brand.slug, "name_en": brand.en,
                               "name_zh": brand.zh, "protected": brand.protected,
                               "logo_url": f"/static/img/placeholder/{brand.vertical}.svg", "created_at": founded})
    for index, brand in enumerate(_flagship_brands(rng, counts.flagship)):
        _flagship_store(parties, rng, index, brand, operator, as_of)
    for index in range(counts.independent):
        _independent_store(parties, rng, index, operator, as_of)
    _pending_applications(parties, rng, as_of)
    _consumers(parties, rng, counts.consumers, as_of)
    return parties


def _user(parties: Parties, rng: random.Random, login: DemoLogin, name: str, locale: str, created: datetime,
          *, is_operator: bool = False) -> str:
    return _add_user(parties, rng, login.email, name, PlainPassword(login.password), locale, created, is_operator)


def _add_user(parties: Parties, rng: random.Random, email: str, name: str, password: PlainPassword,
              locale: str, created: datetime, is_operator: bool = False) -> str:
    uid = new_id(rng, created)
    parties.users.append({"id": uid, "email": email, "display_name": name, "password_hash": password,
                          "is_operator": is_operator, "locale": locale, "status": "active", "created_at": created})
    return uid


def _flagship_brands(rng: random.Random, count: int) -> list[Brand]:
    """Brands interleaved across verticals so a small demo still shows every vertical; Northpeak comes first
    because it is the demo flagship merchant's store."""
    by_vertical: dict[str, list[Brand]] = {}
    for brand in BRANDS:
        by_vertical.setdefault(brand.vertical, []).append(brand)
    rounds = max(len(group) for group in by_vertical.values())
    ordered = [group[i] for i in range(rounds) for group in by_vertical.values() if i < len(group)]
    head = [b for b in ordered if b.slug == "northpeak"]
    return (head + [b for b in ordered if b.slug != "northpeak"])[:count]


def _store_created(rng: random.Random, as_of: datetime) -> datetime:
    # Stores open 13 to 24 months ago, before any of their products (which span the past year).
    return as_of - timedelta(days=rng.randint(380, 730), seconds=rng.randint(0, 86_399))


def _person(rng: random.Random) -> tuple[Pair, str]:
    family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
    return (f"{given[0]} {family[0]}", f"{family[1]}{given[1]}"), rng.choice(("en", "zh-CN", "zh-CN"))


def _owner(parties: Parties, rng: random.Random, email: str, password: PlainPassword,
           store_created: datetime) -> tuple[str, Pair]:
    name, locale = _person(rng)
    joined = store_created - timedelta(days=rng.randint(3, 30))
    display = name[1] if locale != "en" else name[0]
    return _add_user(parties, rng, email, display, password, locale, joined), name


def _flagship_store(parties: Parties, rng: random.Random, index: int, brand: Brand, operator: str,
                    as_of: datetime) -> None:
    created = _store_created(rng, as_of)
    login = DEMO_LOGINS[1]
    email = login.email if index == 0 else f"merchant-f{index:03d}@{DOMAIN}"
    password = PlainPassword(login.password if index == 0 else MERCHANT_PASSWORD)
    owner, _ = _owner(parties, rng, email, password, created)
    brand_id = parties.brand_ids[brand.slug]
    name = (f"{brand.en} Official Flagship Store", f"{brand.zh}官方旗舰店")
    about = (f"The official {brand.en} store: genuine goods, shipped by the brand, with the brand's warranty.",
             f"{brand.zh}品牌官方店铺：正品保障，品牌直发，享受品牌售后服务。")
    sid = _store(parties, rng, f"{brand.slug}-official", "flagship", name, about, brand_id, owner, created)
    reference = f"AUTH-{created.year}-{brand.slug.upper()}-{index + 1:04d}"
    valid_until = as_of.date() + timedelta(days=365 * rng.randint(1, 3))
    parties.brand_authorisations.append({"brand_id": brand_id, "store_id": sid, "reference": reference,
                                         "valid_until": valid_until, "granted_at": created,
                                         "granted_by": operator})
    parties.store_applications.append(_application(
        rng, owner, "flagship", "approved", f"{brand.slug}-official", name, about[0], created, operator, sid,
        brand_id=brand_id, authorisation_ref=reference, authorisation_until=valid_until))
    words = [word for word in re.split(r"[\s&-]+", brand.en) if word]
    code = ("".join(word[0] for word in words) if len(words) > 1 else words[0][:3]).upper()
    parties.plans.append(StorePlan(sid, "flagship", code, (brand.vertical,), brand, brand_id, (brand.en, brand.zh),
                                   (), weight=6, created_at=created))


def _independent_store(parties: Parties, rng: random.Random, index: int, operator: str, as_of: datetime) -> None:
    created = _store_created(rng, as_of)
    login = DEMO_LOGINS[2]
    email = login.email if index == 0 else f"merchant-i{index:04d}@{DOMAIN}"
    password = PlainPassword(login.password if index == 0 else MERCHANT_PASSWORD)
    owner, owner_name = _owner(parties, rng, email, password, created)
    tags = _tags(rng)
    verticals = _shop_verticals(rng, tags)
    label = SHOP_LABELS[index % len(SHOP_LABELS)]
    kind = rng.choice(SHOP_KINDS[verticals[0]])
    name = (f"{label[0]} {kind[0]}", f"{label[1]}{kind[1]}")
    slug = _slugify(name[0]) + (f"-{index}" if index >= len(SHOP_LABELS) else "")
    about = rng.choice(SHOP_DESCRIPTIONS)
    sid = _store(parties, rng, slug, "independent", name, about, None, owner, created)
    for tag in tags:
        parties.store_tags.extend({"store_id": sid, "tag": text} for text in (tag.en, tag.zh))
    parties.store_applications.append(_application(
        rng, owner, "independent", "approved", slug, name, about[0], created, operator, sid,
        owner_name=owner_name[1]))
    code = "".join(word[0] for word in name[0].split()).upper() + f"{index:04d}"
    resale = tuple((b, parties.brand_ids[b.slug]) for b in BRANDS if b.vertical in verticals and not b.protected)
    weight = rng.choice((1, 1, 1, 2, 2, 3))  # a long tail: most shops are small
    parties.plans.append(StorePlan(sid, "independent", code, verticals, None, None, label, resale, weight, created))


def _tags(rng: random.Random) -> list[Tag]:
    return rng.sample(TAGS, rng.randint(1, 3))


def _shop_verticals(rng: random.Random, tags: list[Tag]) -> tuple[str, ...]:
    primary = rng.choice(tags[0].verticals)
    others = sorted({v for tag in tags for v in tag.verticals} - {primary})
    return (primary, rng.choice(others)) if others and rng.random() < 0.3 else (primary,)


def _store(parties: Parties, rng: random.Random, slug: str, kind: str, name: Pair, about: Pair,
           brand_id: str | None, owner: str, created: datetime) -> str:
    sid = new_id(rng, created)
    parties.stores.append({
        "id": sid, "slug": slug, "kind": kind, "status": "active", "name_en": name[0], "name_zh": name[1],
        "description_en": about[0], "description_zh": about[1], "logo_url": None, "brand_id": brand_id,
        "owner_id": owner, "created_at": created, "suspended_at": None, "suspension_reason": None,
        "dsr_description": None, "dsr_service": None, "dsr_logistics": None, "dsr_updated_at": None,  # reviews
    })
    parties.store_staff.append({"store_id": sid, "user_id": owner, "role": "owner",
                                "permissions": "products,stock,profile,orders", "added_at": created})
    return sid


def _application(rng: random.Random, applicant: str, kind: str, status: str, slug: str, name: Pair,
                 description: str, decided: datetime, operator: str | None, store_id: str | None, *,
                 brand_id: str | None = None, authorisation_ref: str | None = None,
                 authorisation_until: date | None = None, owner_name: str | None = None) -> Row:
    submitted = decided - timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 23))
    digest, last4 = _identity(rng) if kind == "independent" else (None, None)
    approved = status == "approved"
    return {
        "id": new_id(rng, submitted), "applicant_id": applicant, "kind": kind, "status": status, "slug": slug,
        "name_en": name[0], "name_zh": name[1], "description": description, "brand_id": brand_id,
        "authorisation_ref": authorisation_ref, "authorisation_until": authorisation_until,
        "owner_legal_name": owner_name, "owner_id_last4": last4, "owner_id_hash": digest,
        "contact_phone": f"+86138{rng.randint(0, 99_999_999):08d}", "submitted_at": submitted,
        "decided_by": operator if approved else None, "decided_at": decided if approved else None,
        "decision_reason": None, "store_id": store_id,
    }


def _identity(rng: random.Random) -> tuple[str, str]:
    """A checksum-valid but made-up resident ID, kept (like the platform does) only as digest and last four."""
    birth = date(1970, 1, 1) + timedelta(days=rng.randint(0, 365 * 35))
    first17 = f"{rng.choice(DISTRICT_CODES)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    number = first17 + resident_id_check_char(first17)
    return hashlib.sha256(number.encode()).hexdigest(), number[-4:]


def _pending_applications(parties: Parties, rng: random.Random, as_of: datetime) -> None:
    """A few applications waiting in the operator's queue, so the review screens have work on them."""
    for n in range(PENDING_APPLICATIONS):
        submitted = as_of - timedelta(days=n + 1)
        applicant = _add_user(parties, rng, f"applicant-{n + 1}@{DOMAIN}", f"Applicant {n + 1}",
                              PlainPassword(MERCHANT_PASSWORD), "zh-CN", submitted - timedelta(days=2))
        label, kind = SHOP_LABELS[-1 - n], SHOP_KINDS["home"][n % 3]
        name = (f"{label[0]} {kind[0]} New", f"{label[1]}{kind[1]}新店")
        row = _application(rng, applicant, "independent", "pending", f"{_slugify(name[0])}-pending", name,
                           SHOP_DESCRIPTIONS[n % len(SHOP_DESCRIPTIONS)][0], submitted + timedelta(days=3),
                           None, None, owner_name=f"申请人{n + 1}")
        parties.store_applications.append(row)


def _consumers(parties: Parties, rng: random.Random, count: int, as_of: datetime) -> None:
    password = PlainPassword(CONSUMER_PASSWORD)
    for n in range(1, count + 1):
        name, locale = _person(rng)
        joined = as_of - timedelta(days=rng.randint(1, 730), seconds=rng.randint(0, 86_399))
        display = name[1] if locale != "en" else name[0]
        _add_user(parties, rng, f"consumer-{n:05d}@{DOMAIN}", display, password, locale, joined)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
