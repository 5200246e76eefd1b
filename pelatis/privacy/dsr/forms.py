"""Forms of the request log (staff) and of the customer's own request page (public)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from ..models import RequestChannel, RequestKind, RequestStatus
from .services import DETAILS_MAX, TEXT_MAX

# What <input type="date"> reads and sends, whatever the language's date format (a browser leaves a
# "06/02/2027" value empty, and the form then says the field is required).
ISO_DATE = "%Y-%m-%d"


class RequestFileForm(ServiceErrorsMixin, forms.Form):
    """Staff record a request that came by email, phone, in person or by letter."""

    ID_PREFIX = "dsr"
    FIELD_OF_ERROR = {"customer_id": "customer"}

    customer = forms.IntegerField(
        label=_("Customer number"),
        required=False,
        min_value=1,
        help_text=_("Leave empty until you know who is asking."),
    )
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    channel = forms.ChoiceField(
        label=_("Received by"), choices=[c for c in RequestChannel.choices if c[0] != RequestChannel.PORTAL]
    )
    requester_email = forms.EmailField(label=_("Requester's email"), required=False)
    received_at = forms.DateTimeField(
        label=_("Received on"),
        required=False,
        help_text=_("Leave empty for now; a letter counts from the day it arrived."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    details = forms.CharField(
        label=_("What they asked"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RequestStatusForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "status"
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in RequestStatus.choices if c[0] not in (RequestStatus.DONE, RequestStatus.REFUSED)],
    )


class RequestExtendForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "extend"
    FIELD_OF_ERROR = {"extended_until": "until", "extension_reason": "reason"}

    until = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)
    )
    reason = forms.CharField(
        label=_("Why it needs more time"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestCloseForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "close"

    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(RequestStatus.DONE, _("Done")), (RequestStatus.REFUSED, _("Refused"))],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("What was decided"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("What was sent"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the export's file name, or the reply's date."),
    )


class RequestIdentifyForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "identify"
    FIELD_OF_ERROR = {"customer_id": "customer"}
    customer = forms.IntegerField(label=_("Customer number"), min_value=1)


class RestrictionForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "restrict"
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        help_text=_("Leave empty: until lifted."),
    )


# --- the customer's own page ------------------------------------------------------------------------------


# What each request means, in the customer's words.
PORTAL_KINDS = [
    (RequestKind.ACCESS, _("A copy of the personal data you hold about me")),
    (RequestKind.RECTIFICATION, _("Correct my personal data")),
    (RequestKind.ERASURE, _("Erase my personal data")),
    (RequestKind.RESTRICTION, _("Stop using my data for now (restriction)")),
    (RequestKind.OBJECTION, _("I object to how my data is used")),
]


def portal_kind_label(kind: str) -> str:
    labels: dict[str, object] = {str(value): label for value, label in PORTAL_KINDS}
    return str(labels.get(kind, kind))


class PortalRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you gave us: we send a link to it to confirm the request is yours."),
    )
    kind = forms.ChoiceField(label=_("What would you like?"), choices=PORTAL_KINDS, widget=forms.RadioSelect)


class PortalConfirmForm(forms.Form):
    details = forms.CharField(
        label=_("Anything we should know (optional)"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
