"""Engagement over REST, mounted by the project API at the root (``/segments``...)."""

from __future__ import annotations

from ninja import Router

from .api_segments import router as segments_router

router = Router()
router.add_router("", segments_router)
