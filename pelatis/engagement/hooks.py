"""What engagement adds to the other apps (extension points: :mod:`pelatis.core.hooks`)."""

from __future__ import annotations
