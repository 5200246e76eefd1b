"""Staff pages of the request log: the list (filters, overdue), recording a request, a request's page with
its actions (status, extension, export, closing), restrictions from the customer page, retention runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.files import StoredObject, stored_download
from pelatis.core.forms import ServiceErrorsMixin
from pelatis.core.http import int_or_none, page_of, request_user
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer

from ..models import DataRequest, ProcessingRestriction, RequestKind, RequestStatus, RetentionRun
from ..retention import policies_configured, policy_label
from . import services
from .forms import (
    RequestCloseForm,
    RequestExtendForm,
    RequestFileForm,
    RequestIdentifyForm,
    RequestStatusForm,
    RestrictionForm,
)
from .queries import HANDLE_PERMISSION, overdue_count, request_get, requests_filtered
from .tasks import extension_notice_task

PER_PAGE = 50
_VIEW = permission_required("privacy.view_datarequest", raise_exception=True)
_FILE = permission_required("privacy.add_datarequest", raise_exception=True)
_HANDLE = permission_required(HANDLE_PERMISSION, raise_exception=True)
EXPORT_MODULE = "pelatis.privacy.rights.export"
EXPORTS_FOLDER = "exports/privacy"  # where that module keeps the ZIPs in the file storage


@require_GET
@login_required
@_VIEW
def requests_list_view(request: HttpRequest) -> HttpResponse:
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    overdue = request.GET.get("overdue") == "1"
    filters = {"status": status, "kind": kind, "overdue": overdue}
    page, page_range = page_of(
        request, requests_filtered(status=status, kind=kind, overdue=overdue), PER_PAGE
    )
    handles = request.user.has_perm(HANDLE_PERMISSION)
    return render(
        request,
        "privacy/dsr/list.html",
        {
            "page": page,
            "page_range": page_range,
            "rows": list(page.object_list),
            "filters": filters,
            "statuses": RequestStatus.choices,
            "kinds": RequestKind.choices,
            "now": timezone.now(),
            "overdue_total": overdue_count() if handles else 0,
            "can_file": request.user.has_perm("privacy.add_datarequest"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@_FILE
def request_new_view(request: HttpRequest) -> HttpResponse:
    form = RequestFileForm(
        request.POST or None, initial={"customer": int_or_none(request.GET.get("customer"))}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.request_file(
                customer_id=data["customer"],
                kind=data["kind"],
                channel=data["channel"],
                details=data["details"],
                requester_email=data["requester_email"],
                received_at=data["received_at"],
                actor=request_user(request),
                http_request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Request recorded."))
            return redirect("privacy:request", pk=filed.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "privacy/dsr/new.html", {"form": form}, status=status)


def _exports_of(customer_id: int | None, evidence: str) -> list[str]:
    """The export ZIPs this request's evidence names (only the customer's own, by the export's naming)."""
    if customer_id is None:
        return []
    return re.findall(rf"\bcustomer-{customer_id}-\d{{8}}T\d{{6}}-[0-9a-f]+\.zip\b", evidence)


def _close_initial(item: DataRequest) -> dict[str, str]:
    """For an erasure request whose customer is erased: done, with the erasure's audit entry as evidence."""
    if item.kind != RequestKind.ERASURE or item.customer is None or item.customer.erased_at is None:
        return {}
    event = AuditEvent.objects.filter(action="erase", customer_id=item.customer_id).order_by("-pk").first()
    erased = date_format(timezone.localtime(item.customer.erased_at), "SHORT_DATETIME_FORMAT")
    evidence = _("Erased on %(date)s (audit entry %(event)s): %(items)s") % {
        "date": erased,
        "event": event.pk if event else "—",
        "items": ", ".join(f["field"] for f in event.fields) if event else "",
    }
    return {"status": RequestStatus.DONE, "evidence": evidence[:4000]}


def _detail(request: HttpRequest, pk: int, *, status: int = 200, **forms: Any) -> HttpResponse:
    item = request_get(pk)
    handles = request.user.has_perm(HANDLE_PERMISSION) and not item.is_closed
    until = timezone.localtime(item.deadline).date()
    context: dict[str, Any] = {
        "r": item,
        "handles": handles,
        "now": timezone.now(),
        "restrictions": list(item.restrictions.all()) if item.customer_id else [],
        "exports": _exports_of(item.customer_id, item.evidence)
        if request.user.has_perm(HANDLE_PERMISSION)
        else [],
    }
    if handles:
        context |= {
            "status_form": forms.get("status_form") or RequestStatusForm(initial={"status": item.status}),
            "extend_form": forms.get("extend_form")
            or RequestExtendForm(initial={"until": until + dt.timedelta(days=30)}),
            "close_form": forms.get("close_form") or RequestCloseForm(initial=_close_initial(item)),
            "identify_form": forms.get("identify_form") or RequestIdentifyForm(),
            "restrict_form": forms.get("restrict_form") or RestrictionForm(),
        }
    return render(request, "privacy/dsr/detail.html", context, status=status)


@require_GET
@login_required
@_VIEW
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


@require_POST
@login_required
@_HANDLE
def request_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of the request's actions (status, extend, close, identify, restrict, export); a refused form
    shows the page again with its errors (422)."""
    item = request_get(pk)
    user = request_user(request)
    if action == "export":
        return _export(request, item.pk)
    forms_by_action: dict[str, tuple[type[ServiceErrorsMixin], str]] = {
        "status": (RequestStatusForm, "status_form"),
        "extend": (RequestExtendForm, "extend_form"),
        "close": (RequestCloseForm, "close_form"),
        "identify": (RequestIdentifyForm, "identify_form"),
        "restrict": (RestrictionForm, "restrict_form"),
    }
    form_class, name = forms_by_action.get(action, (None, ""))
    if form_class is None:
        raise Http404
    form: Any = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "status":
                services.request_set_status(
                    request=item, status=data["status"], actor=user, http_request=request
                )
            elif action == "extend":
                until = _end_of_day(data["until"])
                services.request_extend(
                    request=item, until=until, reason=data["reason"], actor=user, http_request=request
                )
                # The requester is told, with the reason (GDPR art. 12(3)); ids only in the task.
                extension_notice_task.enqueue(request_id=item.pk)
            elif action == "close":
                services.request_close(
                    request=item,
                    status=data["status"],
                    outcome=data["outcome"],
                    evidence=data["evidence"],
                    actor=user,
                    http_request=request,
                )
            elif action == "identify":
                services.request_identify(
                    request=item, customer_id=data["customer"], actor=user, http_request=request
                )
            elif item.customer is None:
                raise ValidationError({"reason": [_("Identify the customer first.")]})
            else:
                services.restriction_start(
                    customer=item.customer,
                    reason=data["reason"],
                    until=_end_of_day(data["until"]) if data["until"] else None,
                    request=item,
                    actor=user,
                    http_request=request,
                )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("privacy:request", pk=item.pk)
    return _detail(request, item.pk, status=422, **{name: form})


def _export(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the data export for the request's customer and note the ZIP (name, size, SHA-256) as evidence."""
    item = request_get(pk)
    if item.customer_id is None or item.is_closed:
        messages.error(request, _("Identify the customer first (and only an open request can be answered)."))
        return redirect("privacy:request", pk=pk)
    try:  # the rights area's module; an installation without it says so instead of failing
        customer_export = importlib.import_module(EXPORT_MODULE).customer_export
    except (ImportError, AttributeError):
        messages.error(request, _("The data export is not available in this installation yet."))
        return redirect("privacy:request", pk=pk)
    stored = customer_export(item.customer_id, actor=request_user(request), request=request)
    with stored.open() as handle:  # read back from the storage: the evidence is of what was kept
        digest = hashlib.file_digest(handle, "sha256")
        size = handle.tell()
    line = _("Export %(name)s (%(size)s bytes, SHA-256 %(digest)s)") % {
        "name": stored.filename,
        "size": size,
        "digest": digest.hexdigest(),
    }
    services.request_add_evidence(request=item, evidence=line, actor=request_user(request))
    messages.success(request, _("Export ready: %(name)s.") % {"name": stored.filename})
    return redirect("privacy:request", pk=pk)


@require_GET
@login_required
@_HANDLE
def request_export_file_view(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """A ZIP made for this request (named in its evidence), to send to the requester."""
    item = request_get(pk)
    if name not in _exports_of(item.customer_id, item.evidence):
        raise Http404
    stored = StoredObject(f"{EXPORTS_FOLDER}/{name}")
    if not stored.exists():  # deleted since (the customer was erased)
        raise Http404
    return stored_download(stored.name, filename=name, content_type="application/zip")


@require_POST
@login_required
@permission_required("privacy.change_processingrestriction", raise_exception=True)
def restriction_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Start a restriction from the customer page, or lift the one in force (``lift`` in the POST)."""
    customer = get_object_or_404(Customer, pk=customer_id, merged_into__isnull=True)
    user = request_user(request)
    if request.POST.get("lift"):
        restriction = get_object_or_404(
            ProcessingRestriction, pk=int_or_none(request.POST.get("lift")) or 0, customer=customer
        )
        services.restriction_lift(restriction=restriction, actor=user, http_request=request)
        messages.success(
            request, _("Restriction lifted: marketing, surveys and profiling follow consent again.")
        )
        return redirect("customers:detail", pk=customer.pk)
    form = RestrictionForm(request.POST)
    if form.is_valid():
        until = form.cleaned_data["until"]
        try:
            services.restriction_start(
                customer=customer,
                reason=form.cleaned_data["reason"],
                until=_end_of_day(until) if until else None,
                actor=user,
                http_request=request,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Processing restricted: no marketing, surveys or profiling."))
            return redirect("customers:detail", pk=customer.pk)
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, _("Not restricted: %(errors)s") % {"errors": errors})
    return redirect("customers:detail", pk=customer.pk)


@require_GET
@login_required
@permission_required("privacy.view_retentionrun", raise_exception=True)
def retention_view(request: HttpRequest) -> HttpResponse:
    page, page_range = page_of(request, RetentionRun.objects.select_related("started_by"), PER_PAGE)
    runs = [
        (
            run,
            [(name, policy_label(name), count) for name, count in (run.counts or {}).items()],
            [(name, policy_label(name), error) for name, error in (run.errors or {}).items()],
        )
        for run in page.object_list
    ]
    return render(
        request,
        "privacy/dsr/retention.html",
        {
            "page": page,
            "page_range": page_range,
            "runs": runs,
            "policies": [policy_label(name) for name in policies_configured()],
        },
    )
