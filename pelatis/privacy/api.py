"""Privacy over REST, mounted by the project API at ``/privacy``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["privacy"])
