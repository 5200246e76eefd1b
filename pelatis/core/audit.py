"""The audit trail of personal data: every app records here who viewed, exported, imported, merged,
erased or changed a customer's data (``AuditEvent``, append-only). ``privacy`` shows and exports it.

Actions (``Action``) are a closed list so the log can be searched and localised. ``fields`` names the
fields that changed; an old value is kept only for the fields in ``KEEP_OLD_VALUES`` (none of them
personal data), because the trail must not become a second copy of what an erasure removed."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# Fields whose old and new values may be kept in the trail (they say nothing about the person).
KEEP_OLD_VALUES = frozenset({"status", "language", "title_form", "tier", "country", "role", "scopes"})


class Action(models.TextChoices):
    VIEW = "view", _("viewed the customer page")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    MERGE = "merge", _("merged")
    ERASE = "erase", _("erased")
    CHANGE = "change", _("changed personal data")
    CREATE = "create", _("created")
    RESTRICT = "restrict", _("restricted processing")
    REQUEST = "request", _("data-subject request")
    RETENTION = "retention", _("retention run")
    LOGIN = "login", _("logged in")
    SECURITY = "security", _("changed account security")


def audit_record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    customer_id: int | None = None,
    fields: Mapping[str, tuple[Any, Any]] | Iterable[str] = (),
    detail: str = "",
) -> AuditEvent:
    """Append one entry. ``request`` gives the user and IP; ``actor`` a user without a request (CLI,
    worker). ``fields`` is either the names of the changed fields or ``{name: (old, new)}``."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    ip = _address(request.META.get("REMOTE_ADDR", "")) if request is not None else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=getattr(actor, "get_username", lambda: "")() if actor is not None else "",
        customer_id=customer_id,
        ip=ip,
        fields=_fields(fields),
        detail=detail[:300],
    )


def _address(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _fields(fields: Mapping[str, tuple[Any, Any]] | Iterable[str]) -> list[Any]:
    if isinstance(fields, Mapping):
        out: list[Any] = []
        for name, (old, new) in sorted(fields.items()):
            if name in KEEP_OLD_VALUES:
                out.append({"field": name, "old": _plain(old), "new": _plain(new)})
            else:
                out.append({"field": name})
        return out
    return [{"field": name} for name in sorted(fields)]


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
