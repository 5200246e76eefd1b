"""A new customer's language and time zone when the row gives none: from the country, else the phone.

A London customer is not ``el`` / ``Europe/Athens``: "+44 20 …" gives ``en`` and ``Europe/London``.
The time zone comes from phonenumbers' own data (the number's zone, or a typical number of the
country); the language from a table of each country's main language. A row that gives nothing to
go on keeps the defaults (the business's language and time zone).
"""

from __future__ import annotations

import functools

import phonenumbers
from phonenumbers import timezone as phone_timezone
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

# The language most customers of a country are written to in (Django language codes).
_LANGUAGE_OF = {
    "GR": "el",
    "CY": "el",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "CA": "en",
    "AU": "en",
    "NZ": "en",
    "MT": "en",
    "ZA": "en",
    "IN": "en",
    "SG": "en",
    "GI": "en",
    "IM": "en",
    "JE": "en",
    "GG": "en",
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "LI": "de",
    "LU": "fr",
    "FR": "fr",
    "MC": "fr",
    "BE": "fr",
    "IT": "it",
    "SM": "it",
    "VA": "it",
    "ES": "es",
    "AD": "ca",
    "MX": "es",
    "AR": "es",
    "CL": "es",
    "CO": "es",
    "PT": "pt",
    "BR": "pt",
    "NL": "nl",
    "SE": "sv",
    "NO": "nb",
    "DK": "da",
    "FI": "fi",
    "IS": "is",
    "PL": "pl",
    "CZ": "cs",
    "SK": "sk",
    "HU": "hu",
    "RO": "ro",
    "MD": "ro",
    "BG": "bg",
    "HR": "hr",
    "SI": "sl",
    "RS": "sr",
    "ME": "sr",
    "BA": "bs",
    "AL": "sq",
    "XK": "sq",
    "MK": "mk",
    "TR": "tr",
    "RU": "ru",
    "BY": "be",
    "UA": "uk",
    "EE": "et",
    "LV": "lv",
    "LT": "lt",
    "GE": "ka",
    "AM": "hy",
    "IL": "he",
    "EG": "ar",
    "SA": "ar",
    "AE": "ar",
    "LB": "ar",
    "JO": "ar",
    "JP": "ja",
    "KR": "ko",
    "CN": "zh-hans",
    "TW": "zh-hant",
    "HK": "zh-hant",
}


def language_for(region: str | None) -> str | None:
    """The main language of a country (two-letter code), if known."""
    return _LANGUAGE_OF.get(region or "")


@functools.cache
def _region_zones(region: str) -> tuple[str, ...]:
    example = phonenumbers.example_number(region)
    if example is None:
        return ()
    return tuple(
        z for z in phone_timezone.time_zones_for_number(example) if z != phone_timezone.UNKNOWN_TIMEZONE
    )


def _calling_code(e164: str) -> int | None:
    for size in (1, 2, 3):
        code = int(e164[1 : 1 + size]) if e164[1 : 1 + size].isdigit() else None
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def region_of_phone(e164: str) -> str | None:
    """The country of a phone number in E.164 form."""
    code = _calling_code(e164)
    if code is None:
        return None
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]
    if len(regions) == 1:  # most countries: no need to parse the number
        return regions[0]
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None


def _phone_zone(e164: str) -> str | None:
    """The zone of the longest known prefix of the number (phonenumbers' own table, without
    parsing the number again), when that prefix has one zone."""
    digits = e164.lstrip("+")
    for size in range(min(len(digits), TIMEZONE_LONGEST_PREFIX), 0, -1):
        zones = TIMEZONE_DATA.get(digits[:size])
        if zones is not None:
            return zones[0] if len(zones) == 1 and zones[0] != phone_timezone.UNKNOWN_TIMEZONE else None
    return None


def infer_locale(*, country: str | None, phones: list[str]) -> tuple[str | None, str | None]:
    """(language, time zone) for a customer from their country code or, without one, their first phone."""
    phone = phones[0] if phones else None
    phone_region = region_of_phone(phone) if phone else None
    region = country or phone_region
    if not region:
        return None, None
    # The phone's own zone when it is in that country (+1 310 is Los Angeles), else a typical one.
    zone = _phone_zone(phone) if phone and phone_region == region else None
    if zone is None:
        zones = _region_zones(region)
        zone = zones[0] if zones else None
    return language_for(region), zone
