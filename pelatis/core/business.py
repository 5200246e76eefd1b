"""The business's own details (name, logo, address, colour): read through the cache, written by admins.

Every public page, every customer email and the staff header show them, so they are read on almost
every request: the profile is kept in the configured cache (shared by every web and worker process)
and the cache entry is deleted whenever the profile is saved.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import asdict, dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BusinessProfile

CACHE_KEY = "pelatis:business-profile:v1"
CACHE_SECONDS = 24 * 3600
DEFAULT_COLOUR = "#2f5bd3"
LOGO_MAX_BYTES = 512 * 1024
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SHORT_HEX = re.compile(r"^#?([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$")
_LOGO_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class Brand:
    """What the pages and emails show of the business; ``name`` is "" until an admin sets it."""

    name: str = ""
    legal_name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    colour: str = DEFAULT_COLOUR
    logo_version: str = ""  # a digest of the logo, so its URL changes with it; "" without a logo
    logo_type: str = ""

    @property
    def display_name(self) -> str:
        return self.name or "Pelatis"

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_version)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def address_one_line(self) -> str:
        return ", ".join(self.address_lines)

    @property
    def colour_dark(self) -> str:
        return _shade(self.colour, lightness=-0.1)

    @property
    def colour_light(self) -> str:
        return _mix_white(self.colour, 0.9)

    @property
    def on_colour(self) -> str:
        """Text on the main colour: white, or near-black where white would not be readable."""
        return "#ffffff" if contrast(self.colour, "#ffffff") >= 4.5 else "#1b2236"


def _brand_of(profile: BusinessProfile | None) -> Brand:
    if profile is None:
        return Brand()
    logo = bytes(profile.logo or b"")
    return Brand(
        name=profile.name,
        legal_name=profile.legal_name,
        address=profile.address,
        phone=profile.phone,
        email=profile.email,
        website=profile.website,
        colour=profile.primary_colour if HEX_COLOUR.match(profile.primary_colour or "") else DEFAULT_COLOUR,
        logo_version=hashlib.sha256(logo).hexdigest()[:16] if logo else "",
        logo_type=profile.logo_type,
    )


def business_brand() -> Brand:
    """The business's details as pages and emails show them (from the cache; one read of the row on a miss)."""
    cached = cache.get(CACHE_KEY)
    if isinstance(cached, dict):
        try:
            return Brand(**cached)
        except TypeError:  # kept by an older release with other fields: read it again
            pass
    brand = _brand_of(BusinessProfile.objects.filter(pk=BusinessProfile.SINGLE_ID).first())
    cache.set(CACHE_KEY, asdict(brand), CACHE_SECONDS)
    return brand


def business_brand_forget() -> None:
    """Drops the cached details; the next read takes them from the database."""
    cache.delete(CACHE_KEY)


def business_profile_get() -> BusinessProfile:
    """The profile row to edit (unsaved, with defaults, when none was saved yet)."""
    return BusinessProfile.objects.filter(pk=BusinessProfile.SINGLE_ID).first() or BusinessProfile(
        pk=BusinessProfile.SINGLE_ID, name="", primary_colour=DEFAULT_COLOUR
    )


def colour_clean(value: str) -> str:
    """ "#1A7F5A" or "#1a7f5a" → "#1a7f5a"; "#abc" → "#aabbcc"; anything else is refused."""
    text = (value or "").strip()
    short = _SHORT_HEX.match(text)
    if short:
        text = "#" + "".join(c * 2 for c in short.groups())
    if not text.startswith("#"):
        text = f"#{text}"
    if not HEX_COLOUR.match(text):
        raise ValidationError(_("Give the colour as a hex code such as #1a7f5a."), code="colour")
    return text.lower()


def logo_clean(data: bytes) -> str:
    """The logo's content type, after checking it is a PNG or JPEG image no bigger than the limit."""
    if len(data) > LOGO_MAX_BYTES:
        raise logo_too_big(len(data))
    for signature, content_type in _LOGO_SIGNATURES:
        if data.startswith(signature) and _looks_whole(data, content_type):
            return content_type
    raise ValidationError(_("The logo must be a PNG or JPEG image."), code="format")


def logo_too_big(size: int) -> ValidationError:
    return ValidationError(
        _("The logo is %(size)s KB; the largest allowed is %(limit)s KB.")
        % {"size": (size + 1023) // 1024, "limit": LOGO_MAX_BYTES // 1024},
        code="too_big",
    )


def _looks_whole(data: bytes, content_type: str) -> bool:
    """A real image, not only its first bytes: a PNG has its IHDR header and IEND end, a JPEG its end marker."""
    if content_type == "image/png":
        return data[12:16] == b"IHDR" and b"IEND" in data[-16:]
    return data.rstrip(b"\x00").endswith(b"\xff\xd9")


@transaction.atomic
def business_profile_save(
    *, fields: dict[str, Any], by: Any = None, logo: bytes | None = None, remove_logo: bool = False
) -> BusinessProfile:
    """Saves the business's details (``fields``: name, legal_name, address, phone, email, website,
    primary_colour), and the logo when one is given; raises ValidationError naming the field."""
    errors: dict[str, list[str]] = {}
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if not values.get("name"):
        errors["name"] = [_("Give the business's name.")]
    try:
        values["primary_colour"] = colour_clean(values.get("primary_colour") or DEFAULT_COLOUR)
    except ValidationError as exc:
        errors["primary_colour"] = list(exc.messages)
    logo_type = ""
    if logo is not None:
        try:
            logo_type = logo_clean(logo)
        except ValidationError as exc:
            errors["logo"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    profile = BusinessProfile.objects.select_for_update().filter(
        pk=BusinessProfile.SINGLE_ID
    ).first() or BusinessProfile(pk=BusinessProfile.SINGLE_ID)
    for name in ("name", "legal_name", "address", "phone", "email", "website", "primary_colour"):
        if name in values:
            setattr(profile, name, values[name] or "")
    if logo is not None:
        profile.logo, profile.logo_type = logo, logo_type
    elif remove_logo:
        profile.logo, profile.logo_type = b"", ""
    profile.updated_at, profile.updated_by = timezone.now(), by if getattr(by, "pk", None) else None
    profile.full_clean(exclude=["logo", "updated_by"])
    profile.save()
    transaction.on_commit(business_brand_forget)
    business_brand_forget()  # and now, so this transaction's own reads see the new details
    return profile


def sender_address(address: str | None = None) -> str:
    """The From address of customer emails: the configured mailbox under the business's name
    ("Ξενοδοχείο Αιγαίο <info@aigaio.gr>"); as configured while no name is set."""
    configured = address or settings.DEFAULT_FROM_EMAIL
    brand = business_brand()
    if not brand.name:
        return configured
    _display, mailbox = parseaddr(configured)
    if not mailbox:
        return configured
    name = " ".join(brand.name.split())
    if any(c in name for c in '()<>@,;:\\".[]'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{mailbox}>"  # Django encodes a non-ASCII name (RFC 2047) when it sends


def is_admin(user: Any) -> bool:
    """An administrator: a superuser or a member of the admin role."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.groups.filter(name="admin").exists())


# --- colours ----------------------------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def _shade(colour: str, *, lightness: float) -> str:
    hue, light, saturation = colorsys.rgb_to_hls(*_rgb(colour))
    return _hex(colorsys.hls_to_rgb(hue, min(1.0, max(0.0, light + lightness)), saturation))


def _mix_white(colour: str, share: float) -> str:
    red, green, blue = _rgb(colour)
    return _hex((red + (1 - red) * share, green + (1 - green) * share, blue + (1 - blue) * share))


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)
