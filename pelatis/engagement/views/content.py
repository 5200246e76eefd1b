"""Message-template pages (login): the list, a template with its language versions and a preview for a
chosen customer, and the editor (managers). Agents and read-only users see templates and previews."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pelatis.channels.sms import sms_max_parts, sms_size
from pelatis.core.http import page_of, request_user
from pelatis.customers.locale_values import language_name
from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_search
from pelatis.privacy.queries import consent_allows

from ..forms_content import MAX_ROWS, PreviewSearchForm, TemplateForm, VersionForm
from ..models import MessageTemplate, Send, TemplateVersion
from ..models.content import Channel
from ..rendering import PLACEHOLDERS, NoVersion, RenderError, render_for
from ..services.content import VersionInput, template_save, template_warnings
from ..services.sending import address_of

VIEW_PERMISSION = "engagement.view_messagetemplate"
CHANGE_PERMISSION = "engagement.change_messagetemplate"
ADD_PERMISSION = "engagement.add_messagetemplate"
PAGE_SIZE = 25
SEARCH_RESULTS = 8


def _template_for(request: HttpRequest, template_id: int, *, write: bool = False) -> MessageTemplate:
    """The template, if the user may see it (or change it, with ``write``)."""
    if not request.user.has_perm(CHANGE_PERMISSION if write else VIEW_PERMISSION):
        raise PermissionDenied
    versions = Prefetch("versions", queryset=TemplateVersion.objects.order_by("language"))
    return get_object_or_404(MessageTemplate.objects.prefetch_related(versions), pk=template_id)


def _shared(request: HttpRequest) -> dict[str, Any]:
    return {
        "placeholders": [(name, str(text)) for name, text in PLACEHOLDERS.items()],
        "can_edit": request.user.has_perm(CHANGE_PERMISSION),
    }


@require_GET
@login_required
def template_list_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    templates = MessageTemplate.objects.prefetch_related(
        Prefetch(
            "versions", queryset=TemplateVersion.objects.only("template_id", "language").order_by("language")
        )
    ).order_by("name")
    page, page_range = page_of(request, templates, PAGE_SIZE)
    rows = [(t, _languages(v.language for v in t.versions.all())) for t in page.object_list]
    return render(
        request,
        "engagement/templates.html",
        {
            "page": page,
            "page_range": page_range,
            "rows": rows,
            "can_add": request.user.has_perm(ADD_PERMISSION),
        },
    )


# ---------------------------------------------------------------- a template and its preview


def _languages(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, name in the reader's language): pages show the name, the code stays for the data attribute."""
    return [(code, language_name(code)) for code in codes]


def _found(q: str) -> list[tuple[Customer, str]]:
    """Customers matching the preview's search, each with the name of the language they read."""
    customers = customer_search(q, limit=SEARCH_RESULTS).customers if q else []
    return [(c, language_name(c.language)) for c in customers]


def _preview(template: MessageTemplate, customer: Customer) -> dict[str, Any]:
    """What this customer would receive, which version it comes from, and whether it would go out now."""
    preview: dict[str, Any] = {"customer": customer, "customer_language": language_name(customer.language)}
    try:
        rendered = render_for(customer, template)
    except NoVersion:
        preview["error"] = _(
            "No version in the customer's language (%(language)s) nor in the fallback language (%(fallback)s)."
        ) % {
            "language": language_name(customer.language),
            "fallback": language_name(template.fallback_language),
        }
        return preview
    except RenderError as exc:
        preview["error"] = str(exc)
        return preview
    preview["rendered"] = rendered
    preview["version_language"] = language_name(rendered.language)
    if template.channel == Channel.SMS:
        size = sms_size(rendered.text)
        preview["sms"] = size
        preview["sms_too_long"] = size.parts > sms_max_parts()
    preview["consent"] = consent_allows(customer.pk, template.purpose, template.channel)
    preview["address"] = address_of(customer.pk, template.channel)
    return preview


@require_GET
@login_required
def template_view(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template_for(request, template_id)
    search = PreviewSearchForm(request.GET)
    wanted = search.cleaned_data if search.is_valid() else {}
    found = _found(wanted.get("q") or "")
    preview = None
    if wanted.get("customer"):
        customer = get_object_or_404(Customer, pk=wanted["customer"], merged_into__isnull=True)
        preview = _preview(template, customer)
    versions = [
        (v, language_name(v.language), v.language == template.fallback_language)
        for v in template.versions.all()
    ]
    return render(
        request,
        "engagement/template.html",
        {
            **_shared(request),
            "template": template,
            "versions": versions,
            "warnings": template_warnings(template),
            "search": search,
            "q": wanted.get("q", ""),
            "found": found,
            "preview": preview,
            "fallback_name": language_name(template.fallback_language),
        },
    )


@require_GET
@login_required
def template_customers_view(request: HttpRequest, template_id: int) -> HttpResponse:
    """The search box's results (htmx): customers to preview the template for."""
    template = _template_for(request, template_id)
    q = str(request.GET.get("q", "")).strip()[:100]
    found = _found(q)
    return render(
        request, "engagement/_template_customers.html", {"template": template, "found": found, "q": q}
    )


# ---------------------------------------------------------------- the editor


def _rows(template: MessageTemplate | None, data: Any = None) -> list[VersionForm]:
    """One form per language version: Greek and English always, the template's others, one blank row."""
    existing = {v.language: v for v in template.versions.all()} if template is not None else {}
    if data is not None:
        count = min(int(data.get("rows") or 0), MAX_ROWS) if str(data.get("rows") or "0").isdigit() else 0
        return [
            VersionForm(data, prefix=f"v{i}", auto_id=f"id_v{i}_%s", languages=existing) for i in range(count)
        ]
    languages = ["el", "en"] + sorted(set(existing) - {"el", "en"}) + [""]
    forms = []
    for i, code in enumerate(languages):
        version = existing.get(code)
        initial = {
            "language": code,
            "subject": version.subject if version else "",
            "body": version.body if version else "",
        }
        forms.append(VersionForm(initial=initial, prefix=f"v{i}", auto_id=f"id_v{i}_%s", languages=existing))
    return forms


def _row_title(row: VersionForm) -> str:
    code = str(
        row.data.get(row.add_prefix("language"), "") if row.is_bound else row.initial.get("language", "")
    )
    return language_name(code.strip()) if code.strip() else _("Another language")


def _put_errors(error: ValidationError, form: TemplateForm, rows: list[VersionForm], used: list[int]) -> None:
    """The service's errors next to their fields: ``versions.N.body`` on the N-th filled-in row."""
    rest: dict[str, list[str]] = {}
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "versions" and parts[1].isdigit() and int(parts[1]) < len(used):
            rows[used[int(parts[1])]].add_error(parts[2], messages_)
        elif key == "versions":
            form.add_error(None, messages_)
        else:
            rest[key] = messages_
    if rest:
        form.add_service_errors(ValidationError(rest))


def _stored(template: MessageTemplate | None) -> list[str]:
    """The codes the template already uses: the language lists keep offering them."""
    if template is None:
        return []
    return [template.fallback_language, *(v.language for v in template.versions.all())]


@require_http_methods(["GET", "POST"])
@login_required
def template_edit_view(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    template = _template_for(request, template_id, write=True) if template_id is not None else None
    if template is None and not request.user.has_perm(ADD_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        form, rows = TemplateForm(request.POST, languages=_stored(template)), _rows(template, request.POST)
        if form.is_valid() and all(row.is_valid() for row in rows):
            used = [i for i, row in enumerate(rows) if not row.is_blank()]
            versions = [
                VersionInput(
                    language=rows[i].cleaned_data["language"] or "",
                    subject=rows[i].cleaned_data["subject"] or "",
                    body=rows[i].cleaned_data["body"] or "",
                )
                for i in used
            ]
            try:
                saved = template_save(
                    name=form.cleaned_data["name"],
                    channel=form.cleaned_data["channel"],
                    purpose=form.cleaned_data["purpose"],
                    fallback_language=form.cleaned_data["fallback_language"],
                    versions=versions,
                    template=template,
                    by=request_user(request),
                )
            except ValidationError as exc:
                _put_errors(exc, form, rows, used)
            else:
                messages.success(request, _("The template is saved."))
                for warning in template_warnings(saved):
                    messages.warning(request, warning)
                return redirect("engagement:template", saved.pk)
        status = 422
    else:
        initial = (
            {
                "name": template.name,
                "channel": template.channel,
                "purpose": template.purpose,
                "fallback_language": template.fallback_language,
            }
            if template is not None
            else {}
        )
        form, rows, status = TemplateForm(initial=initial, languages=_stored(template)), _rows(template), 200
    return render(
        request,
        "engagement/template_form.html",
        {
            **_shared(request),
            "template": template,
            "form": form,
            "rows": [(row, _row_title(row)) for row in rows],
            "row_count": len(rows),
        },
        status=status,
    )


def send_links(ids: list[str]) -> dict[str, str]:
    """Timeline entries of sent messages lead to their template's page (one query for all of them)."""
    wanted = [int(i) for i in ids if i.isdigit()]
    rows = Send.objects.filter(pk__in=wanted, template__isnull=False).values_list("pk", "template_id")
    return {str(pk): reverse("engagement:template", args=[template_id]) for pk, template_id in rows}
