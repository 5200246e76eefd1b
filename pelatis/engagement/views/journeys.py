"""Journey pages (login): the list, a journey's page, the form with its steps, switching on and off,
"run now", and the bought-together pairs of a product. Everyone with engagement's view permission reads
them; managers write, switch and run."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import request_user

from .. import queries_journeys as queries
from ..forms_journeys import (
    TRIGGER_OPTIONS,
    JourneyForm,
    StepFormSet,
    errors_place,
    journey_input,
    steps_initial,
)
from ..models import Journey
from ..recommend import cached_table, top_pairs
from ..services.journeys import journey_run_now, journey_save, journey_set_active


@require_GET
@login_required
def journeys_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    context = {
        "journeys": list(queries.journey_list()),
        "can_manage": queries.can_manage_journeys(request.user),
    }
    return render(request, "engagement/journeys.html", context)


@require_GET
@login_required
def journey_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = queries.journey_for(request.user, pk)
    context = {
        "journey": journey,
        "steps": queries.steps_with_counts(journey),
        "enrolments": queries.enrolment_counts(journey),
        "options": _settings_shown(journey),
        "can_manage": queries.can_manage_journeys(request.user),
        "can_see_results": request.user.has_perm("engagement.view_send"),
    }
    return render(request, "engagement/journey.html", context)


def _settings_shown(journey: Journey) -> list[tuple[object, object]]:
    """The trigger's settings as the page shows them: each with its label, a choice by its label."""
    shown: list[tuple[object, object]] = []
    for name, value in journey.options.items():
        field = JourneyForm.base_fields.get(name)
        if field is None:
            continue
        labels = dict(getattr(field, "choices", None) or ())
        shown.append((field.label, labels.get(value, value)))
    return shown


def _form_page(
    request: HttpRequest, journey: Journey | None, form: JourneyForm, steps: object, status: int = 200
) -> HttpResponse:
    context = {"form": form, "steps": steps, "journey": journey, "trigger_options": TRIGGER_OPTIONS}
    return render(request, "engagement/journey_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def journey_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new journey (no pk) or an existing one's settings and steps; managers only. A new journey is
    saved switched off: it starts when a manager switches it on."""
    if pk is None:
        if not (request.user.has_perm(queries.VIEW_PERMISSION) and queries.can_manage_journeys(request.user)):
            raise PermissionDenied
        journey = None
    else:
        journey = queries.journey_for(request.user, pk, write=True)
    if request.method == "GET":
        initial = JourneyForm.initial_for(journey) if journey else None
        steps = StepFormSet(prefix="steps", initial=steps_initial(journey) if journey else None)
        return _form_page(request, journey, JourneyForm(initial=initial), steps)
    form = JourneyForm(request.POST)
    steps = StepFormSet(request.POST, prefix="steps")
    if form.is_valid() and steps.is_valid():
        data, forms_of = journey_input(form, steps)
        try:
            saved = journey_save(journey=journey, data=data, by=request_user(request))
        except ValidationError as exc:
            errors_place(exc, form, steps, forms_of)
        else:
            messages.success(request, _("Journey “%(name)s” saved.") % {"name": saved.name})
            return redirect("engagement:journey", saved.pk)
    return _form_page(request, journey, form, steps, status=422)


@require_POST
@login_required
def journey_toggle_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = queries.journey_for(request.user, pk, write=True)
    try:
        journey = journey_set_active(journey=journey, active=not journey.active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if journey.active:
            messages.success(request, _("Journey switched on: the worker enrols and sends from now on."))
        else:
            messages.success(
                request, _("Journey switched off: nothing more is sent until it is switched on.")
            )
    return redirect("engagement:journey", journey.pk)


@require_POST
@login_required
def journey_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a run now (enrol, then send what is due) instead of waiting for the worker's next round."""
    journey = queries.journey_for(request.user, pk, write=True)
    try:
        journey_run_now(journey=journey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The journey runs in the background: refresh in a moment to see what was sent.")
        )
    return redirect("engagement:journey", journey.pk)


@require_GET
@login_required
def product_pairs_view(request: HttpRequest) -> HttpResponse:
    """Bought together: for a product (SKU, or name when it has none), the products bought with it, best
    lift first; without one, the products with the most orders."""
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        raise PermissionDenied
    table = cached_table()
    product = request.GET.get("product", "").strip()
    popular = sorted(table.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
    context = {
        "product": product,
        "product_name": table.names.get(product, product),
        "known": product in table.names,
        "pairs": top_pairs(product, limit=20, table=table) if product else [],
        "popular": [(key, table.names.get(key, key), n) for key, n in popular],
        "table": table,
    }
    return render(request, "engagement/journey_pairs.html", context)
