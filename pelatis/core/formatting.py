"""Values as the reader's language writes them: money with its currency, durations, months and days,
platform and sales-channel names, time-zone cities. Services, exports and templates share these
(the template filters in :mod:`pelatis.core.templatetags.pelatis_ui` wrap them)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import icu
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext


def ui_locale(language: str | None = None) -> str:
    """The ICU locale of a UI language: "el" → "el_GR", "en" → "en_GB" (day-month order, € before the amount)."""
    code = (language or get_language() or settings.LANGUAGE_CODE or "el").split("-")[0].lower()
    return {"el": "el_GR", "en": "en_GB"}.get(code, code)


@functools.lru_cache(maxsize=64)
def _currency_format(locale: str, currency: str) -> Any:
    formatter = icu.NumberFormat.createCurrencyInstance(icu.Locale(locale))
    formatter.setCurrency(currency)
    return formatter


def format_money(amount: Any, currency: str | None = None, language: str | None = None) -> str:
    """An amount with its currency, as the reader's language writes it: "2.668,40 €" in Greek, "€2,668.40" in
    English (ICU's CLDR formats; a no-break space keeps the sign with the number). "" for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = (currency or settings.PELATIS_DEFAULT_CURRENCY or "EUR").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        code = settings.PELATIS_DEFAULT_CURRENCY
    text = str(_currency_format(ui_locale(language), code).format(float(value)))
    return text.replace("US$", "$") if code == "USD" else text


def format_duration(minutes: Any) -> str:
    """Business minutes as people say them: «9 ώρ. 29 λ.», «2 ημ. 3 ώρ.», «45 λ.»; "9 h 29 min", "2 d 3 h"
    in English. Days are whole days of 24 (business) hours; "—" for no value."""
    if minutes is None or minutes == "":
        return "—"
    try:
        total = max(0, round(float(minutes)))
    except (TypeError, ValueError):
        return str(minutes)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return (
            pgettext("duration", "%(d)s d %(h)s h") % {"d": days, "h": hours}
            if hours
            else pgettext("duration", "%(d)s d") % {"d": days}
        )
    if hours:
        return (
            pgettext("duration", "%(h)s h %(m)s min") % {"h": hours, "m": mins}
            if mins
            else pgettext("duration", "%(h)s h") % {"h": hours}
        )
    return pgettext("duration", "%(m)s min") % {"m": mins}


def format_month(value: Any) -> str:
    """A month as «Δεκ 2025» / "Dec 2025", from a date or a "2025-12" key; anything else as given."""
    if isinstance(value, dt.date):
        day = value
    else:
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", str(value or ""))
        if not match or not 1 <= int(match.group(2)) <= 12:
            return str(value or "")
        day = dt.date(int(match.group(1)), int(match.group(2)), 1)
    return date_format(day, "M Y")


def format_day(value: Any) -> str:
    """A day as «7 Δεκ 2025» / "7 Dec 2025", from a date or an ISO "2025-12-07"; anything else as given."""
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    try:
        return date_format(dt.date.fromisoformat(str(value)), "j M Y")
    except ValueError:
        return str(value or "")


# --- names of coded values ------------------------------------------------------------------------------

# Review and social platforms as they write their own names; codes are what connectors and files send.
PLATFORM_NAMES = {
    "google": "Google",
    "googlemaps": "Google Maps",
    "google_maps": "Google Maps",
    "tripadvisor": "Tripadvisor",
    "booking": "Booking.com",
    "booking.com": "Booking.com",
    "bookingcom": "Booking.com",
    "airbnb": "Airbnb",
    "expedia": "Expedia",
    "hotels": "Hotels.com",
    "hotels.com": "Hotels.com",
    "agoda": "Agoda",
    "trivago": "trivago",
    "holidaycheck": "HolidayCheck",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "twitter": "X (Twitter)",
    "x": "X (Twitter)",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "trustpilot": "Trustpilot",
    "yelp": "Yelp",
    "skroutz": "Skroutz",
    "efood": "efood",
    "e-food": "efood",
    "wolt": "Wolt",
    "box": "BOX",
    "vrisko": "vrisko.gr",
    "xo": "xo.gr",
    "viber": "Viber",
    "whatsapp": "WhatsApp",
    "amazon": "Amazon",
    "ebay": "eBay",
    "etsy": "Etsy",
    "apple": "App Store",
    "appstore": "App Store",
    "googleplay": "Google Play",
    "google_play": "Google Play",
}


def platform_name(code: str) -> str:
    """ "tripadvisor" → "Tripadvisor", "booking" → "Booking.com"; an unknown code with a capital first
    letter and spaces for underscores ("my_site" → "My site")."""
    key = (code or "").strip().lower()
    if key in PLATFORM_NAMES:
        return PLATFORM_NAMES[key]
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


_SALES_CHANNELS = {
    "online": gettext_lazy("Online shop"),
    "web": gettext_lazy("Online shop"),
    "eshop": gettext_lazy("Online shop"),
    "e-shop": gettext_lazy("Online shop"),
    "website": gettext_lazy("Online shop"),
    "online_store": gettext_lazy("Online shop"),
    "shop": gettext_lazy("Shop"),
    "store": gettext_lazy("Shop"),
    "pos": gettext_lazy("Shop (till)"),
    "in_person": gettext_lazy("In person"),
    "in_store": gettext_lazy("Shop"),
    "reception": gettext_lazy("Reception"),
    "front_desk": gettext_lazy("Reception"),
    "phone": gettext_lazy("Phone"),
    "telephone": gettext_lazy("Phone"),
    "email": gettext_lazy("Email"),
    "marketplace": gettext_lazy("Marketplace"),
    "mobile_app": gettext_lazy("Mobile app"),
    "app": gettext_lazy("Mobile app"),
    "b2b": gettext_lazy("Business sales (B2B)"),
    "wholesale": gettext_lazy("Wholesale"),
    "shopify_draft_order": gettext_lazy("Order entered by staff"),
    "draft_order": gettext_lazy("Order entered by staff"),
    "staff": gettext_lazy("Order entered by staff"),
}


def sales_channel_name(code: str) -> str:
    """Where an order was taken: "online" → «Ηλεκτρονικό κατάστημα», "reception" → «Ρεσεψιόν»; a platform
    ("skroutz", "booking") by its own name; anything else (the business's own words) as written."""
    key = (code or "").strip()
    folded = key.lower().replace(" ", "_").replace("-", "_")
    if folded in _SALES_CHANNELS:
        return str(_SALES_CHANNELS[folded])
    if folded in PLATFORM_NAMES:
        return PLATFORM_NAMES[folded]
    return key


@functools.lru_cache(maxsize=512)
def zone_city(zone: str, locale: str) -> str:
    name = icu.TimeZoneNames.createInstance(icu.Locale(locale)).getExemplarLocationName(zone)
    return name or zone.rsplit("/", 1)[-1].replace("_", " ")
