from __future__ import annotations

import time
from typing import Any


def wait_for(get: Any, timeout: float = 10.0) -> Any:
    """Poll ``get`` until it returns something truthy (mail arriving at the SMTP server); bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")
