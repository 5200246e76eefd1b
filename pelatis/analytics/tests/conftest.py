from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _athens(settings: Any) -> None:
    """The worked examples are counted in the production time zone, whatever the environment says."""
    settings.TIME_ZONE = "Europe/Athens"
