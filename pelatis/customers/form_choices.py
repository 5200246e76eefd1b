"""The choices the customer form offers for language, time zone and country, named in the reader's
language by ICU (common ones first)."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

import icu
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# Languages offered in the form, each shown by its own name (Deutsch, Français…); a stored code that is
# not here is offered too, so editing never changes it silently.
COMMON_LANGUAGES = (
    "el",
    "en",
    "de",
    "fr",
    "it",
    "es",
    "nl",
    "ru",
    "bg",
    "ro",
    "tr",
    "sq",
    "pl",
    "sv",
    "he",
    "zh",
    "ja",
)
# The countries customers of a Greek business come from most, offered first in the address's country list.
COMMON_COUNTRIES = ("GR", "CY", "DE", "GB", "IT", "FR", "NL", "AT", "BG", "RO", "US")
# Time-zone regions in the order the list shows them, each a group of the select: named by ICU's world
# regions (UN M.49) in the reader's language, or by our own text where ICU has no name (the oceans).
ZONE_REGIONS: dict[str, str | Any] = {
    "Europe": "150",
    "America": "019",
    "Asia": "142",
    "Africa": "002",
    "Australia": "AU",
    "Pacific": "009",
    "Atlantic": _("Atlantic Ocean"),
    "Indian": _("Indian Ocean"),
    "Antarctica": "AQ",
    "Arctic": _("Arctic"),
}


def _region_name(region: str, ui: str) -> str:
    code = ZONE_REGIONS[region]
    if isinstance(code, str):
        name = icu.Locale("", code).getDisplayCountry(icu.Locale(ui))
        return name if name != code else region
    return str(code)


def ui_language() -> str:
    """The reader's language code without its region ("el", "en")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


@functools.cache
def time_zone_names() -> list[str]:
    return sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )


@functools.lru_cache(maxsize=8)
def language_choices(ui: str) -> list[tuple[str, str]]:
    """(code, name) for the form's languages: each in its own language, and in the reader's when that differs."""
    reader = icu.Locale(ui)
    choices = []
    for code in COMMON_LANGUAGES:
        own = icu.Locale(code).getDisplayLanguage(icu.Locale(code))
        own = own[:1].upper() + own[1:]
        theirs = icu.Locale(code).getDisplayLanguage(reader)
        label = own if theirs.casefold() == own.casefold() else f"{own} ({theirs})"
        choices.append((code, label))
    return choices


def language_label(code: str, ui: str) -> str:
    """A language code's name for the reader (an unknown code stays as it is)."""
    return dict(language_choices(ui)).get(code) or icu.Locale(code).getDisplayLanguage(icu.Locale(ui)) or code


@functools.lru_cache(maxsize=8)
def time_zone_choices(ui: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Time zones grouped by region, each named by its city in the reader's language with its offset now
    ("Αθήνα (GMT+02:00)"), cities in alphabetical order."""
    names = icu.TimeZoneNames.createInstance(icu.Locale(ui))
    collator = icu.Collator.createInstance(icu.Locale(ui))
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in ZONE_REGIONS}
    now = timezone.now()
    for zone in time_zone_names():
        region = zone.split("/")[0]
        if region not in groups:
            continue
        city = names.getExemplarLocationName(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")
        offset = now.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%z")
        groups[region].append((zone, f"{city} (GMT{offset[:3]}:{offset[3:]})"))
    return [
        (_region_name(region, ui), sorted(zones, key=lambda z: collator.getSortKey(z[1])))
        for region, zones in groups.items()
        if zones
    ]


@functools.lru_cache(maxsize=8)
def country_choices(ui: str) -> list[tuple[str, str]]:
    """Countries by name in the reader's language: the common ones first, then every other in alphabetical order."""
    reader = icu.Locale(ui)
    collator = icu.Collator.createInstance(reader)
    named = {code: icu.Locale("", code).getDisplayCountry(reader) for code in icu.Locale.getISOCountries()}
    rest = sorted(
        (c for c in named if c not in COMMON_COUNTRIES), key=lambda c: collator.getSortKey(named[c])
    )
    return [(c, named[c]) for c in COMMON_COUNTRIES] + [(c, named[c]) for c in rest]
