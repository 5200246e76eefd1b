"""Forms of the message-template pages: they only parse what was typed; the service checks it."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import icu
from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin
from pelatis.customers.form_choices import COMMON_LANGUAGES, language_choices, ui_language
from pelatis.customers.locale_values import language_name

from .models.content import Channel, Purpose

MAX_ROWS = 20  # language versions one form may carry


@functools.lru_cache(maxsize=8)
def _other_languages(ui: str) -> tuple[tuple[str, str], ...]:
    """Every other two-letter language ICU can name, by its name in the reader's language, alphabetically."""
    collator = icu.Collator.createInstance(icu.Locale(ui))
    named = [
        (code, language_name(code, ui))
        for code in icu.Locale.getISOLanguages()
        if len(code) == 2 and code not in COMMON_LANGUAGES
    ]
    return tuple(
        sorted((pair for pair in named if pair[1] != pair[0]), key=lambda p: collator.getSortKey(p[1]))
    )


def language_options(keep: Iterable[str] = (), *, blank: bool = False) -> list[Any]:
    """The languages a template can be written in, by name (never a bare code): the common ones first,
    then every other; a code already stored (``keep``) is always offered, so editing never drops it."""
    ui = ui_language()
    common = list(language_choices(ui))
    others = list(_other_languages(ui))
    known = {code for code, _name in common} | {code for code, _name in others}
    for code in sorted({c for c in keep if c and c not in known}):
        common.append((code, language_name(code, ui)))
    options: list[Any] = [("", gettext_now("Choose a language"))] if blank else []
    return [*options, *common, (gettext_now("Other languages"), others)]


class TemplateForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.EMAIL)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        initial=Purpose.MARKETING,
        help_text=_(
            "Consent is checked for this purpose when a message is sent; service messages are not capped."
        ),
    )
    fallback_language = forms.ChoiceField(
        label=_("Fallback language"),
        initial="el",
        help_text=_("Customers whose language has no version get this one."),
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS, required=False)

    def __init__(self, *args: Any, languages: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fallback_language"].choices = language_options(languages)  # type: ignore[attr-defined]  # a ChoiceField


class VersionForm(ServiceErrorsMixin, forms.Form):
    """One language version; a row with neither subject nor text is left out."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, languages: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_options(languages, blank=True)  # type: ignore[attr-defined]  # a ChoiceField

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (str(data.get("subject") or "").strip() or str(data.get("body") or "").strip())


class PreviewSearchForm(forms.Form):
    q = forms.CharField(label=_("Customer"), max_length=100, required=False, strip=True)
    customer = forms.IntegerField(required=False, min_value=1)
