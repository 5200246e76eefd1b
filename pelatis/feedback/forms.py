from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services.reviews import MAX_ANSWER


class ReviewAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Our answer"), max_length=MAX_ANSWER, strip=True, widget=forms.Textarea(attrs={"rows": 8})
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's ValidationError shown next to the field it names."""
        for field, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ReviewFilterForm(forms.Form):
    platform = forms.CharField(required=False)
    unanswered = forms.BooleanField(required=False)
    negative = forms.BooleanField(required=False)
