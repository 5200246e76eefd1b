"""Segment pages (login): the list with live counts, a segment's customers, and the editor (managers)
with and/or groups, a live count while editing and a preview of the first customers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import int_or_none, is_htmx, page_of, request_user

from .. import queries_segments as queries
from ..forms_segments import SegmentForm, editor_tree, field_groups, tree_apply, tree_from_post
from ..models import Segment
from ..segments import segment_count
from ..segments.services import segment_create, segment_delete, segment_update

PAGE_SIZE = 25
PREVIEW_SIZE = 10
SAVE = "save"  # the Save button: the only action that writes
REDRAW = "redraw"  # the field and operator selects (and a post without an action): draw again, never save
EMPTY_TREE: dict[str, Any] = {"op": "and", "rules": [{"field": "", "op": "", "value": ""}]}


def _need(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_GET
@login_required
def segments_view(request: HttpRequest) -> HttpResponse:
    _need(request, queries.VIEW_PERMISSION)
    page, page_range = page_of(request, queries.segment_list(), PAGE_SIZE)
    segments = list(page.object_list)
    counts = queries.counts_of(segments)
    return render(
        request,
        "engagement/segments.html",
        {
            "page": page,
            "page_range": page_range,
            "rows": [(s, counts.get(s.pk)) for s in segments],
            "can_add": queries.can_add(request.user),
        },
    )


@require_GET
@login_required
def segment_view(request: HttpRequest, pk: int) -> HttpResponse:
    segment = queries.segment_for(request.user, pk)
    context: dict[str, Any] = {
        "segment": segment,
        "can_edit": queries.can_edit(request.user),
        "can_delete": request.user.has_perm(queries.DELETE_PERMISSION),
        "tree": editor_tree(segment.definition),
        "field_groups": field_groups(),
        "read_only": True,
    }
    try:
        customers = queries.customers_of(segment.definition)
        total = customers.count()
    except ValidationError as exc:
        context["broken"] = exc.message_dict
    else:
        if request.user.has_perm(queries.CUSTOMERS_PERMISSION):
            page, page_range = page_of(request, customers, PAGE_SIZE, count=total)
            context |= {"page": page, "page_range": page_range, "customers": list(page.object_list)}
        context["total"] = total
    return render(request, "engagement/segment.html", context)


def _editor_page(
    request: HttpRequest,
    segment: Segment | None,
    form: SegmentForm,
    tree: Any,
    errors: dict[str, list[str]],
    status: int,
) -> HttpResponse:
    context = {
        "segment": segment,
        "form": form,
        "tree": editor_tree(tree, errors),
        "field_groups": field_groups(),
        "include_internal": bool(isinstance(tree, dict) and tree.get("include_internal")),
        "rule_errors": bool(errors),
    }
    return render(request, "engagement/segment_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def segment_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New segment (no pk) or a segment's editor; managers only. Only ``action=save`` (the Save button)
    saves, in one transaction. Anything else redraws: the editor's buttons (``add-rule:…``, ``remove:…``),
    its field and operator selects (``redraw``) and a post with no action at all. A redraw never saves and,
    with htmx, answers only the rules editor (the fragment the selects and buttons swap), never a page."""
    if pk is None:
        _need(request, queries.ADD_PERMISSION)
        segment = None
    else:
        segment = queries.segment_for(request.user, pk, write=True)
    if request.method == "GET":
        initial = {"name": segment.name, "description": segment.description} if segment else None
        tree = segment.definition if segment else EMPTY_TREE
        return _editor_page(request, segment, SegmentForm(initial=initial), tree, {}, 200)
    tree = tree_from_post(request.POST)
    action = request.POST.get("action", REDRAW)
    form = SegmentForm(request.POST)
    if action != SAVE:
        if action != REDRAW:
            tree = tree_apply(tree, action)
        if is_htmx(request):
            context = {"tree": editor_tree(tree), "field_groups": field_groups()}
            return render(request, "engagement/_segment_editor.html", context)
        return _editor_page(request, segment, SegmentForm(request.POST), tree, {}, 200)
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            if segment is None:
                segment = segment_create(
                    name=data["name"],
                    description=data["description"],
                    definition=tree,
                    by=request_user(request),
                )
                messages.success(request, _("Segment “%(name)s” created.") % {"name": segment.name})
            else:
                segment = segment_update(
                    segment=segment,
                    name=data["name"],
                    description=data["description"],
                    definition=tree,
                    by=request_user(request),
                )
                messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
        except ValidationError as exc:
            errors = {k: v for k, v in exc.message_dict.items() if k not in ("name", "description")}
            named = {k: v for k, v in exc.message_dict.items() if k in ("name", "description")}
            if named:
                form.add_service_errors(ValidationError(named))
        else:
            return redirect("engagement:segment", segment.pk)
    return _editor_page(request, segment, form, tree, errors, 422)


@require_POST
@login_required
def segment_count_view(request: HttpRequest) -> HttpResponse:
    """The live count of the editor's filter as it stands (htmx, while editing)."""
    _need(request, queries.VIEW_PERMISSION)
    try:
        count: int | None = segment_count(tree_from_post(request.POST))
    except ValidationError:
        count = None
    return render(request, "engagement/_segment_count.html", {"count": count})


@require_POST
@login_required
def segment_preview_view(request: HttpRequest) -> HttpResponse:
    """The first customers of the editor's filter, a page at a time (htmx)."""
    _need(request, queries.VIEW_PERMISSION)
    _need(request, queries.CUSTOMERS_PERMISSION)
    number = max(1, int_or_none(request.POST.get("preview_page")) or 1)
    context: dict[str, Any] = {"number": number}
    try:
        customers = queries.customers_of(tree_from_post(request.POST))
        rows = list(customers[(number - 1) * PREVIEW_SIZE : number * PREVIEW_SIZE + 1])
    except ValidationError:
        context["invalid"] = True
    else:
        context |= {"customers": rows[:PREVIEW_SIZE], "has_next": len(rows) > PREVIEW_SIZE}
    return render(request, "engagement/_segment_preview.html", context)


@require_POST
@login_required
def segment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, queries.DELETE_PERMISSION)
    segment = queries.segment_for(request.user, pk)
    try:
        segment_delete(segment=segment, by=request_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("engagement:segment", segment.pk)
    messages.success(request, _("Segment “%(name)s” deleted.") % {"name": segment.name})
    return redirect("engagement:segments")
