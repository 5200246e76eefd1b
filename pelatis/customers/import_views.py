"""Staff UI of imports: upload, the preview (counts, changes before → after, columns to map),
confirm, follow the import's progress, and undo. Each view parses, fetches the job the user may
see, calls one service and renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import is_htmx

from .forms import ImportForm
from .models import ImportJob

MAX_MAPPED_COLUMNS = 200  # mapping choices read from one form
MAX_PREVIEW_CHANGES = 200  # as importing.common: the preview lists the first ones


def _importing() -> Any:
    from . import (
        importing,  # loaded on use: the importer (openpyxl, charset detection) is heavy for other pages
    )

    return importing


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("customers.import_customer", raise_exception=True)
def customer_import_view(request: HttpRequest) -> HttpResponse:
    """The upload form; a valid upload is stored and its preview queued, and the browser goes to the job's page."""
    importing = _importing()
    recent = importing.import_jobs_of(request.user)[:5]
    if request.method != "POST":
        return render(request, "customers/import.html", {"form": ImportForm(), "recent": recent})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "customers/import.html", {"form": form, "recent": recent}, status=422)
    job = importing.import_job_create(
        upload=form.cleaned_data["file"],
        kind=form.cleaned_data["kind"],
        skip_invalid=form.cleaned_data["skip_invalid"],
        by=request.user,
        language=translation.get_language() or "",
        overwrite=request.POST.get("overwrite") == "on",
    )
    return redirect("customers:import_job", pk=job.pk)


def _job_step(request: HttpRequest, job: ImportJob, step: Callable[[], object]) -> HttpResponse:
    """Take the next step of an import, back to its page; a refusal shows there as a message."""
    try:
        step()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("customers:import_job", pk=job.pk)


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    job: ImportJob = get_object_or_404(_importing().import_jobs_of(request.user), pk=pk)
    return job


@require_GET
@login_required
@permission_required("customers.import_customer", raise_exception=True)
def customer_import_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress while the worker runs it (htmx polls the card), then its preview or report."""
    job = _job_for(request, pk)
    context = _job_context(job)
    if is_htmx(request):
        return render(request, "customers/_import_job.html", context)
    return render(request, "customers/import_job.html", context)


@require_POST
@login_required
@permission_required("customers.import_customer", raise_exception=True)
def customer_import_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the kept file again: columns mapped by hand, overwrite or skip invalid rows chosen."""
    job = _job_for(request, pk)
    fields = set(_field_choices(job.kind))
    mapping: dict[str, str] = {}
    for key, value in list(request.POST.items())[: MAX_MAPPED_COLUMNS * 2]:
        if key.startswith("map:") and (value in fields or value == ""):
            mapping[key[4:]] = value
    # Only the choices that differ from what the import found itself are kept.
    found = {c["header"]: c["field"] for c in (job.preview or {}).get("columns", [])}
    mapping = {h: f for h, f in mapping.items() if h in found and found[h] != f}
    mapping = {**(job.options or {}).get("mapping", {}), **mapping}
    return _job_step(
        request,
        job,
        lambda: _importing().import_job_preview_again(
            job=job,
            overwrite=request.POST.get("overwrite") == "on",
            skip_invalid=request.POST.get("skip_invalid") == "on",
            mapping=mapping,
            language=translation.get_language() or "",
        ),
    )


@require_POST
@login_required
@permission_required("customers.import_customer", raise_exception=True)
def customer_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the previewed import (a background task)."""
    job = _job_for(request, pk)
    return _job_step(request, job, lambda: _importing().import_job_confirm(job=job, by=request.user))


@require_POST
@login_required
@permission_required("customers.import_customer", raise_exception=True)
def customer_import_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a written import, in one transaction; refused, naming them, when records were changed since."""
    job = _job_for(request, pk)
    try:
        done = _importing().import_undo(job=job, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("customers:import_job", pk=job.pk)
    messages.success(
        request,
        _("Import undone: %(deleted)d new records removed, %(restored)d records put back.")
        % {
            "deleted": done["customers_deleted"] + done["orders_deleted"],
            "restored": done["customers_restored"] + done["orders_restored"],
        },
    )
    return redirect("customers:import_job", pk=job.pk)


# ---------------------------------------------------------------- what the page shows

_KEPT = {
    "filled": gettext_lazy("kept: the field is filled; tick “Overwrite” to replace it"),
    "script": gettext_lazy("kept: the same name, already in Greek"),
}


def _field_choices(kind: str) -> dict[str, str]:
    importing = _importing()
    columns = importing.CUSTOMER_COLUMNS if kind == "customers" else importing.ORDER_COLUMNS
    return {c.name: importing.field_label(c.name) for c in columns}


def _job_context(job: ImportJob) -> dict[str, Any]:
    importing = _importing()
    report = importing.ImportJobReport.of(job)
    label = importing.field_label
    changes = []
    for change in report.changes:
        url = reverse("customers:detail", args=[change["id"]]) if job.kind == "customers" else ""
        changes.append(
            {
                "id": change["id"],
                "name": change["name"],
                "url": url,
                "rows": change.get("rows", []),
                "fields": [
                    {
                        "field": f["field"],
                        "label": label(f["field"]),
                        "before": importing.value_shown(f["before"]),
                        "after": importing.value_shown(f["after"]),
                        "kept": f["kept"],
                        "note": _KEPT.get(f["kept"], ""),
                    }
                    for f in change["fields"]
                ],
                "added": [{"label": label(a["field"]), "value": a["value"]} for a in change["added"]],
            }
        )
    columns = [{**c, "label": label(c["field"]) if c["field"] else ""} for c in report.columns]
    counts = (job.preview or {}).get("counts", {})
    platforms = importing.platforms.LABELS
    return {
        "job": job,
        "report": report,
        "changes": changes,
        "columns": columns,
        "unknown_columns": [c for c in columns if not c["field"]],
        "field_choices": sorted(_field_choices(job.kind).items(), key=lambda kv: kv[1]),
        "counts": counts,
        "platform_label": platforms.get(job.platform, "") if job.platform else "",
        "overwrite": bool((job.options or {}).get("overwrite")),
        "changes_capped": len(changes) >= MAX_PREVIEW_CHANGES,
    }
