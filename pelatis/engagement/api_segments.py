"""Segments over REST: ``POST /segments`` (a JSON filter), ``GET /segments/{id}/customers``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["segments"])
