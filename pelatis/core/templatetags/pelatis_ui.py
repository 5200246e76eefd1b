"""Small presentation helpers for the staff UI: icons, phones, tags, links that keep the query."""

from __future__ import annotations

import re
import zlib
from typing import Any

from django import template
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from pelatis.core.formatting import (
    format_duration,
    format_money,
    format_month,
    platform_name,
    sales_channel_name,
    ui_locale,
    zone_city,
)
from pelatis.lang.phones import phone_display

register = template.Library()

# Line icons drawn for Pelatis on a 24×24 grid, stroked in the current colour.
_ICONS: dict[str, str] = {
    "email": '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>',
    "phone": '<path d="M6 3h3l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v3a2 2 0 0 1-2 2A16 16 0 0 1 4 5a2 2 0 0 1 2-2z"/>',
    "sms": '<path d="M4 5h16v11H9l-5 4z"/><path d="M8.5 10.5h.01M12 10.5h.01M15.5 10.5h.01"/>',
    "chat": '<path d="M3 4h12v8H7l-4 3z"/><path d="M18 8h3v11l-4-3H9v-1"/>',
    "web": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"/>',
    "in_person": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4.5 4.5-7 8-7s7 2.5 8 7"/>',
    "social": '<path d="m12 3 2.7 5.6 6.1.8-4.5 4.2 1.1 6.1L12 16.8 6.6 19.7l1.1-6.1L3.2 9.4l6.1-.8z"/>',
    "order": '<path d="M5 8h14l-1 12H6z"/><path d="M9 8V6a3 3 0 0 1 6 0v2"/>',
    "note": '<path d="M6 3h9l4 4v14H6z"/><path d="M14 3v5h5M9 12h7M9 16h7"/>',
    "system": '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9 7 7M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "users": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.8 3.5-6 6.5-6s5.7 2.2 6.5 6"/><path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 14c2 .7 3.2 2.6 3.6 6"/>',
    "upload": '<path d="M12 16V4M7 9l5-5 5 5"/><path d="M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3"/>',
    "download": '<path d="M12 4v12M7 11l5 5 5-5"/><path d="M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3"/>',
    "code": '<path d="m8 7-5 5 5 5M16 7l5 5-5 5M14 4l-4 16"/>',
    "shield": '<path d="M12 3 4 6v6c0 4.5 3.4 8.2 8 9 4.6-.8 8-4.5 8-9V6z"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="m20 20-4-4"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="m13.5 6.5 4 4"/>',
    "merge": '<circle cx="6" cy="5" r="2"/><circle cx="6" cy="19" r="2"/><circle cx="18" cy="12" r="2"/><path d="M6 7v10M6 9c0 3 4 3 10 3"/>',
    "logout": '<path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3"/><path d="m10 8-4 4 4 4M6 12h10"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "warning": '<path d="M12 3 2 20h20z"/><path d="M12 10v4M12 17h.01"/>',
    "check": '<path d="m5 12 5 5 9-10"/>',
    "building": '<path d="M4 21V4h10v17M14 9h6v12M8 8h2M8 12h2M8 16h2M17 13h.01M17 17h.01M3 21h18"/>',
    "pin": '<path d="M12 21s-7-6.2-7-12a7 7 0 0 1 14 0c0 5.8-7 12-7 12z"/><circle cx="12" cy="9" r="2.5"/>',
    "arrow-left": '<path d="M19 12H5M11 6l-6 6 6 6"/>',
    "language": '<path d="M4 5h9M8.5 3v2M6 5c0 4 3 7 6 8M11 5c0 4-3 7-7 9"/><path d="m13 21 4-10 4 10M14.5 17h5"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c1-4.5 4.5-7 8-7s7 2.5 8 7"/>',
    "chart": '<path d="M4 20V4M4 20h16"/><path d="M8 16v-5M12 16V8M16 16v-3M20 16V6"/>',
    "repeat": '<path d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3"/><path d="M18 3v4h-4M6 21v-4h4"/>',
    "inbox": '<path d="M3 13h5l1.5 3h5L16 13h5"/><path d="M5 5h14l2 8v6H3v-6z"/>',
    "lock": '<rect x="5" y="10" width="14" height="10" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/>',
    "clip": '<path d="m20 11-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7"/>',
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "send": '<path d="M21 3 10 14"/><path d="M21 3 14 21l-4-7-7-4z"/>',
    "pause": '<circle cx="12" cy="12" r="9"/><path d="M10 9v6M14 9v6"/>',
    "flag": '<path d="M5 21V4"/><path d="M5 4h13l-3 4.5 3 4.5H5"/>',
    "history": '<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5M12 7v5l3 2"/>',
    "sparkle": '<path d="M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5 18 18M6 18l2.5-2.5M15.5 8.5 18 6"/>',
    "gift": '<rect x="3" y="8" width="18" height="4"/><path d="M5 12v9h14v-9M12 8v13"/>'
    '<path d="M12 8c-2-4-6-4-6-1.5S10 8 12 8c2 0 6 .5 6-1.5S14 4 12 8"/>',
    "reply": '<path d="M9 7 4 12l5 5"/><path d="M4 12h10a6 6 0 0 1 6 6v1"/>',
}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """An inline SVG icon; with ``label`` it is announced to screen readers, otherwise hidden from them."""
    body = _ICONS.get(name, _ICONS["system"])
    aria = format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"')  # noqa: S308
    return format_html(
        '<svg class="icon icon-{}" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" '
        'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" {}>{}</svg>',
        name,
        aria,
        mark_safe(body),  # noqa: S308 - the icon bodies are constants above
    )


@register.filter
def phone(e164: str) -> str:
    """+306971234567 → +30 697 123 4567."""
    return phone_display(e164) if e164 else ""


@register.filter
def safe_colour(value: str) -> str:
    """A tag colour fit for a style attribute, or the default one."""
    return value if isinstance(value, str) and _COLOUR.match(value) else "#5b6ee1"


@register.filter
def language_label(code: str) -> str:
    """``de`` → "German" in the UI language; unknown codes as typed."""
    info = LANG_INFO.get(code or "")
    if info is None:
        return (code or "").upper()
    while "fallback" in info:
        info = LANG_INFO[info["fallback"][0]]
    return gettext(info["name"])


@register.filter
def initials(name: str) -> str:
    """Two letters for an avatar: "Γιώργος Παπαδόπουλος" → "ΓΠ"."""
    words = [w for w in (name or "").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.filter
def avatar_hue(pk: Any) -> int:
    """A stable hue per customer so avatars are told apart at a glance."""
    try:
        return (int(pk) * 47) % 360
    except (TypeError, ValueError):
        return 220


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def first_point(customer: Any, kind: str) -> str:
    """The primary email or phone of a customer, read from its prefetched contact points (no query)."""
    for point in customer.contact_points.all():
        if point.kind == kind:
            return str(point.value)
    return ""


@register.filter
def form_of_address(customer: Any) -> str:
    """How staff address the customer: "κ. Παπαδόπουλος", "Frau Müller"; "" when no title is set."""
    title = (customer.title or "").strip()
    if not title or customer.kind != "person":
        return ""
    surname = customer.last_name or customer.first_name
    return f"{title} {surname}".strip()


_ROLE_LABELS = {
    "admin": gettext_lazy("Administrator"),
    "manager": gettext_lazy("Manager"),
    "agent": gettext_lazy("Agent"),
    "read-only": gettext_lazy("Read-only"),
}


@register.simple_tag
def role_label(user: Any) -> str:
    """The staff role shown under the user's name (one query: their groups)."""
    if getattr(user, "is_superuser", False):
        return str(_ROLE_LABELS["admin"])
    names = [g.name for g in user.groups.all()] if getattr(user, "is_authenticated", False) else []
    for name in ("admin", "manager", "agent", "read-only"):
        if name in names:
            return str(_ROLE_LABELS[name])
    return gettext("No role")


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """``{{ order.total|money:order.currency }}``: "2.668,40 €" in Greek, "€2,668.40" in English; without a
    currency, the business's default one."""
    return format_money(amount, currency)


@register.filter
def duration(minutes: Any) -> str:
    """``{{ row.first_response_minutes|duration }}``: «9 ώρ. 29 λ.» (see format_duration)."""
    return format_duration(minutes)


@register.filter
def month(value: Any) -> str:
    """``{{ row.cohort|month }}``: «Δεκ 2025»."""
    return format_month(value)


_DEFAULT_TAG_COLOUR = "#5b6ee1"
_TAG_PALETTE = (
    "#5b6ee1",
    "#0e9488",
    "#c2410c",
    "#7c3aed",
    "#b45309",
    "#0369a1",
    "#be185d",
    "#15803d",
    "#4d7c0f",
    "#9333ea",
)


@register.filter
def tag_colour(tag: Any) -> str:
    """The tag's own colour; tags left at the default get a stable one from their name, so they differ."""
    colour = safe_colour(getattr(tag, "color", ""))
    if colour.lower() != _DEFAULT_TAG_COLOUR:
        return colour
    return _TAG_PALETTE[zlib.crc32(str(tag).casefold().encode("utf-8")) % len(_TAG_PALETTE)]


@register.filter
def email_breakable(address: str) -> SafeString:
    """An email that may wrap after the @ (name@<wbr>domain) instead of mid-word in narrow columns."""
    return (
        format_html("{}@<wbr>{}", *address.split("@", 1))
        if "@" in (address or "")
        else format_html("{}", address)
    )


# --- the business's own brand ---------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def business_brand(context: template.Context) -> Any:
    """``{% business_brand as brand %}``: the business's name, logo, address and colour (cached; read once
    per request). Pages, emails and the portal all take them from here."""
    from pelatis.core.business import business_brand as read_brand

    request = context.get("request")
    memo = getattr(request, "_pelatis_brand", None) if request is not None else None
    if memo is None:
        memo = read_brand()
        if request is not None:
            request._pelatis_brand = memo  # noqa: SLF001 - a per-request memo
    return memo


@register.simple_tag
def business_logo_url(brand: Any, absolute: bool = False) -> str:
    """The logo's address ("" without one); ``absolute`` for emails, on PELATIS_BASE_URL."""
    from django.urls import reverse

    if not getattr(brand, "has_logo", False):
        return ""
    path = reverse("web:business-logo", args=[brand.logo_version])
    return f"{settings.PELATIS_BASE_URL}{path}" if absolute else path


@register.filter
def platform_label(code: str) -> str:
    """``{{ review.platform|platform_label }}`` (see platform_name)."""
    return platform_name(code)


@register.filter
def sales_channel_label(code: str) -> str:
    """``{{ order.channel|sales_channel_label }}`` (see sales_channel_name)."""
    return sales_channel_name(code)


@register.filter
def zone_label(zone: str) -> str:
    """A time zone by its city in the reader's language: "Europe/Athens" → «Αθήνα», "America/New_York" →
    «Νέα Υόρκη»; "UTC" and unknown names as written."""
    if not zone or "/" not in zone:
        return zone or ""
    return zone_city(zone, ui_locale())
