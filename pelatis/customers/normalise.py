"""Validation and normal forms of customer data: emails, phones, VAT numbers.

Each function returns the stored form or raises ValueError with a message
fit for the person who typed the value.
"""

from __future__ import annotations

import functools

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gr import vat as gr_vat


def email_normalise(raw: str) -> str:
    value = raw.strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError(_("“%(value)s” is not a valid email address") % {"value": raw.strip()}) from exc
    return value


def phone_normalise(raw: str, region: str | None = None) -> str:
    """E.164 form of a phone number; numbers without a country code belong to ``region``."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region or settings.PELATIS_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("“%(value)s” is not a phone number") % {"value": raw.strip()}) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("“%(value)s” is not a valid phone number") % {"value": raw.strip()})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.cache
def _trunk_prefix(country_code: int) -> str:
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region) if region != "ZZ" else None
    return (metadata.national_prefix or "") if metadata is not None else ""


def _split_e164(digits: str) -> tuple[int, str] | None:
    # Country calling codes are prefix-free, one to three digits long.
    for width in (1, 2, 3):
        code = int(digits[:width])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[width:]
    return None


def phone_search_digits(e164: str) -> list[str]:
    """The digit strings a stored (E.164) phone is found by: international and national forms.

    Works from the stored string and the numbering metadata, without parsing
    the number again: imports call it for every phone of every row.
    """
    digits = e164.lstrip("+")
    split = _split_e164(digits)
    if split is None:
        return [digits]
    code, national = split
    forms = [digits, national]
    trunk = _trunk_prefix(code)
    if trunk and not national.startswith(trunk):
        forms.append(trunk + national)
    return list(dict.fromkeys(f for f in forms if f))


def vat_normalise(raw: str, country: str = "GR") -> str:
    """A Greek ΑΦΜ as its 9 digits (EL/GR prefixes and spaces dropped); other countries kept as typed."""
    text = raw.strip().upper().replace(" ", "")
    if not text:
        return ""
    if country.upper() not in {"GR", "EL"} and not text.startswith(("EL", "GR")):
        return text
    try:
        digits = gr_vat.validate(text)
    except StdnumError as exc:
        raise ValueError(
            _("“%(value)s” is not a valid Greek VAT number (ΑΦΜ)") % {"value": raw.strip()}
        ) from exc
    # stdnum accepts 000000000, whose check digit happens to work out.
    if set(digits) == {"0"}:
        raise ValueError(_("“%(value)s” is not a valid Greek VAT number (ΑΦΜ)") % {"value": raw.strip()})
    return digits
