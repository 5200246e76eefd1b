"""What every UI form shares: forms only parse what was typed, the services validate, and a service's
ValidationError is put back next to the fields it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class ServiceErrorsMixin:
    """Puts a service's per-field messages next to the matching fields; the rest above the form.

    ``FIELD_OF_ERROR`` maps a service's field name to the form's where they differ. Each form may set its
    own id prefix: several of them share one page (and field names such as "status").
    """

    FIELD_OF_ERROR: dict[str, str] = {}
    ID_PREFIX = "id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.ID_PREFIX}_%s")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: ValidationError) -> None:
        form: forms.Form = self  # type: ignore[assignment]  # a mixin: the class it is mixed into is a Form
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = self.FIELD_OF_ERROR.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
