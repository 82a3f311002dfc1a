"""Owner identity numbers (pure): mainland resident IDs with their ISO 7064 MOD 11-2 checksum, passport-like
numbers, and the digest that is all the platform keeps of either.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from mercato.stores.errors import IdNumberInvalid

_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a mainland resident ID's first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11]


def _valid_birth_date(number: str) -> bool:
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def is_valid_resident_id(number: str) -> bool:
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return False
    return resident_id_check_char(number[:17]) == number[17] and _valid_birth_date(number)


def normalize_id_number(raw: str | None) -> str:
    """Upper-cased, separators dropped. Eighteen characters of digits (and a final X) must be a valid resident
    ID; anything else must look like a passport number (6-20 letters and digits)."""
    number = re.sub(r"[\s-]", "", raw or "").upper()
    if re.fullmatch(r"[0-9]{17}[0-9X]", number):
        if not is_valid_resident_id(number):
            raise IdNumberInvalid("The resident ID number fails its checksum", field="owner_id_number")
        return number
    if not re.fullmatch(r"[A-Z0-9]{6,20}", number):
        raise IdNumberInvalid(field="owner_id_number")
    return number


def id_number_digest(number: str, key: bytes) -> tuple[str, str]:
    """(HMAC-SHA256 hex under `key`, last four) of a normalised id number: all the platform keeps of it.

    Keyed, because an 18-digit resident id has little entropy: a plain hash could be reversed by trying them all.
    """
    if not key:
        raise ValueError("an id number digest needs a key")
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest(), number[-4:]
