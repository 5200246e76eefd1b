"""What customers do with a message: signed click links and an open pixel, each recorded on its Send
with one conditional UPDATE (the first time is kept; clicks are counted).

A click link carries the Send and the target address, signed: the redirect goes only to the address
that was signed into the email, so the link can never be turned into an open redirect. Opens are
approximate by nature (images may be blocked or fetched by a mail server's scanner); a click counts
as an open too.
"""

from __future__ import annotations

import urllib.parse

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..models import Send

CLICK_SALT = "pelatis.engagement.click"
OPEN_SALT = "pelatis.engagement.open"
LINK_MAX_AGE = 60 * 60 * 24 * 400  # an email's links keep working for over a year


def _safe_target(url: str) -> str:
    """``url`` when it is an absolute http(s) address; ValueError otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("only absolute http(s) links are tracked")
    return url


def click_token(send_id: int, url: str) -> str:
    """The signed token of one link in one message."""
    return signing.dumps({"s": send_id, "u": _safe_target(url)}, salt=CLICK_SALT, compress=True)


def click_url(send_id: int, url: str) -> str:
    """The absolute tracking address that records a click, then redirects to ``url``."""
    return settings.PELATIS_BASE_URL + reverse("engagement:click", args=[click_token(send_id, url)])


def click_from_token(token: str) -> tuple[int, str]:
    """The Send id and the target a click token stands for; signing.BadSignature (expiry too),
    KeyError or ValueError when it was altered or made up."""
    data = signing.loads(token, salt=CLICK_SALT, max_age=LINK_MAX_AGE)
    return int(data["s"]), _safe_target(str(data["u"]))


def open_token(send_id: int) -> str:
    return signing.dumps(send_id, salt=OPEN_SALT)


def open_url(send_id: int) -> str:
    """The absolute address of the message's open pixel."""
    return settings.PELATIS_BASE_URL + reverse("engagement:open", args=[open_token(send_id)])


def open_from_token(token: str) -> int:
    return int(signing.loads(token, salt=OPEN_SALT, max_age=LINK_MAX_AGE))


def click_record(*, send_id: int) -> bool:
    """Count one click (the first one's time kept; a click also marks the message opened). False when
    the Send is not one that went out."""
    now = timezone.now()
    return bool(
        Send.objects.filter(pk=send_id, status=Send.Status.SENT).update(
            clicks=F("clicks") + 1,
            clicked_at=Coalesce(F("clicked_at"), now),
            opened_at=Coalesce(F("opened_at"), now),
        )
    )


def open_record(*, send_id: int) -> bool:
    """Mark the message opened, once: True for the first open."""
    return bool(
        Send.objects.filter(pk=send_id, status=Send.Status.SENT, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    )
