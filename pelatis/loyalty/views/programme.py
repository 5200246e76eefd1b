"""The programme page for managers: the rules with their category multipliers, the tiers, the rewards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import ProgrammeForm, RewardForm, TierForm, multiplier_rows
from ..models import LoyaltyProgramme, Reward, Tier
from ..queries import tier_benefits
from ..services.programme import (
    PROGRAMME_FIELDS,
    REWARD_FIELDS,
    TIER_FIELDS,
    programme_update,
    reward_save,
    reward_set_active,
    tier_delete,
    tier_save,
)

PROGRAMME_PERMISSION = "loyalty.change_loyaltyprogramme"


def _require(request: HttpRequest, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in (PROGRAMME_PERMISSION, *permissions)):
        raise PermissionDenied


def _page(
    request: HttpRequest, programme: LoyaltyProgramme, form: ProgrammeForm, rows: Any, status: int = 200
) -> HttpResponse:
    tiers = list(Tier.objects.order_by("threshold"))
    return render(
        request,
        "loyalty/programme.html",
        {
            "programme": programme,
            "form": form,
            "rows": rows,
            "tiers": [(tier, tier_benefits(tier)) for tier in tiers],
            "rewards": list(Reward.objects.order_by("-active", "points_cost", "name")),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def programme_view(request: HttpRequest) -> HttpResponse:
    """The rules (GET shows, POST saves them and the multipliers together), the tiers and the rewards."""
    _require(request)
    programme = LoyaltyProgramme.current()
    if request.method == "GET":
        initial = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
        return _page(request, programme, ProgrammeForm(initial=initial), multiplier_rows(programme))
    form = ProgrammeForm(request.POST)
    rows = multiplier_rows(programme, request.POST)
    if form.is_valid() and rows.is_valid():
        try:
            programme_update(values=form.cleaned_data, multipliers=rows.multipliers())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The programme's rules were saved."))
            return redirect("loyalty:programme")
    return _page(request, programme, form, rows, status=422)


def _tier(pk: int | None) -> Tier | None:
    if pk is None:
        return None
    tier = Tier.objects.filter(pk=pk).first()
    if tier is None:
        raise Http404
    return tier


@require_http_methods(["GET", "POST"])
@login_required
def tier_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request, "loyalty.add_tier" if pk is None else "loyalty.change_tier")
    tier = _tier(pk)
    if request.method == "GET":
        initial = {name: getattr(tier, name) for name in TIER_FIELDS} if tier else None
        return render(request, "loyalty/tier_form.html", {"form": TierForm(initial=initial), "tier": tier})
    form = TierForm(request.POST)
    if form.is_valid():
        try:
            saved = tier_save(tier_id=tier.pk if tier else None, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Tier “%(name)s” saved.") % {"name": saved.name})
            return redirect("loyalty:programme")
    return render(request, "loyalty/tier_form.html", {"form": form, "tier": tier}, status=422)


@require_POST
@login_required
def tier_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "loyalty.delete_tier")
    tier = _tier(pk)
    assert tier is not None  # noqa: S101 — _tier answers 404 for a missing one
    name = tier_delete(tier_id=tier.pk)
    messages.success(request, _("Tier “%(name)s” removed.") % {"name": name})
    return redirect("loyalty:programme")


def _reward(pk: int | None) -> Reward | None:
    if pk is None:
        return None
    reward = Reward.objects.filter(pk=pk).first()
    if reward is None:
        raise Http404
    return reward


@require_http_methods(["GET", "POST"])
@login_required
def reward_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request, "loyalty.add_reward" if pk is None else "loyalty.change_reward")
    reward = _reward(pk)
    if request.method == "GET":
        initial = {name: getattr(reward, name) for name in REWARD_FIELDS} if reward else {"active": True}
        return render(
            request, "loyalty/reward_form.html", {"form": RewardForm(initial=initial), "reward": reward}
        )
    form = RewardForm(request.POST)
    if form.is_valid():
        try:
            saved = reward_save(reward_id=reward.pk if reward else None, values=form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Reward “%(name)s” saved.") % {"name": saved.name})
            return redirect("loyalty:programme")
    return render(request, "loyalty/reward_form.html", {"form": form, "reward": reward}, status=422)


@require_POST
@login_required
def reward_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a reward (or offer it again): ``active`` is "1" or "0"."""
    _require(request, "loyalty.change_reward")
    reward = _reward(pk)
    assert reward is not None  # noqa: S101 — _reward answers 404 for a missing one
    active = request.POST.get("active") == "1"
    reward_set_active(reward_id=reward.pk, active=active)
    text = _("“%(name)s” is offered again.") if active else _("“%(name)s” is no longer offered.")
    messages.success(request, text % {"name": reward.name})
    return redirect("loyalty:programme")
