"""Phone numbers as people read them (pure Python, on the `phonenumbers` metadata)."""

from __future__ import annotations

import phonenumbers


def phone_display(e164: str) -> str:
    """An E.164 number in international form («+30 21 0123 4567»); anything unparseable as given."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
