"""Engagement over REST, mounted by the project API at ``/engagement``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["segments"])
