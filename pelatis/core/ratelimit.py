"""Rate limits for public and token endpoints: one fixed-window counter in the cache."""

from __future__ import annotations

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    """Whom a public post is counted against, hashed so the cache holds no addresses.

    REMOTE_ADDR is the peer that opened the connection. Behind a reverse proxy
    that is the proxy, for everyone; the client is then in a header such as
    X-Forwarded-For. But any client can send that header itself, and only the
    deployment knows which hop its own proxy appended, so trusting it here
    would let a bot pick a fresh bucket per post. We use REMOTE_ADDR; a proxy
    deployment must make the server set REMOTE_ADDR to the real client (from
    the header its own proxy writes) before Django sees the request.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        key = raw or "unknown"
    else:
        # One IPv6 host usually holds a whole /64: count the network, not the address.
        key = (
            str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else str(address)
        )
    return hashlib.sha256(f"{settings.SECRET_KEY}:{key}".encode()).hexdigest()[:32]


def _key(bucket: str) -> str:
    return f"pelatis:rate:{bucket}"


def counted(bucket: str) -> int:
    """How many requests ``bucket`` holds in its current window, without counting one more."""
    value = cache.get(_key(bucket))
    return value if isinstance(value, int) else 0


def over_limit(bucket: str, *, limit: int, window: int) -> bool:
    """Count one request in ``bucket``; True when it is over ``limit`` requests in the current window (seconds)."""
    key = _key(bucket)
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # the window ran out between add and incr
        cache.set(key, 1, timeout=window)
        return False
    return count > limit
