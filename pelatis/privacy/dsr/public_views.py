"""The customer's own request page (no login): type an email and the kind of request, confirm through
the link we email. The page answers the same whether or not the address is a customer's."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pelatis.core.badlinks import signed_link_open
from pelatis.core.ratelimit import client_key, over_limit

from ..models import DataRequest, RequestChannel
from ..texts import customer_language
from .forms import PortalConfirmForm, PortalRequestForm, portal_kind_label
from .portal import RequestLinkError, link_open, link_target
from .services import request_file
from .tasks import portal_link_send_task

# Asks per connection and window, and links per address and day: a person needs one or two; a loop
# mailing somebody's inbox full meets the wall.
CLIENT_LIMIT, CLIENT_WINDOW = 5, 60 * 60
ADDRESS_LIMIT, ADDRESS_WINDOW = 3, 24 * 60 * 60


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "strict-origin"  # the confirm page's path holds a token
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag: keep the token out of the log
    return response


def _limited(request: HttpRequest, email: str) -> HttpResponse | None:
    address = hashlib.sha256(f"{settings.SECRET_KEY}:{email.strip().lower()}".encode()).hexdigest()[:32]
    if over_limit(f"privacy:dsr:{client_key(request)}", limit=CLIENT_LIMIT, window=CLIENT_WINDOW) or (
        email and over_limit(f"privacy:dsr:to:{address}", limit=ADDRESS_LIMIT, window=ADDRESS_WINDOW)
    ):
        page = render(request, "privacy/too_many.html", {"minutes": CLIENT_WINDOW // 60}, status=429)
        page["Retry-After"] = str(CLIENT_WINDOW)
        return _private(page)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def portal_request_view(request: HttpRequest) -> HttpResponse:
    """A GET shows the form; a POST sends the link when the address is a customer's and always answers
    "if this address is known to us, we sent a link"."""
    form = PortalRequestForm(request.POST or None)
    if request.method == "POST":
        if (refused := _limited(request, str(request.POST.get("email", ""))[:254])) is not None:
            return refused
        if form.is_valid():
            # Queued, with ids only: the email goes from the worker, so the page takes as long for a
            # customer's address as for any other.
            if (point := link_target(form.cleaned_data["email"])) is not None:
                portal_link_send_task.enqueue(
                    contact_point_id=point.pk, kind=form.cleaned_data["kind"], nonce=secrets.token_urlsafe(12)
                )
            return _private(render(request, "privacy/dsr/portal_sent.html", {"hours": 72}))
        return _private(render(request, "privacy/dsr/portal_form.html", {"form": form}, status=422))
    return _private(render(request, "privacy/dsr/portal_form.html", {"form": form}))


@never_cache
@require_http_methods(["GET", "POST"])
def portal_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows what will be filed and a button; the POST files it once (a second POST shows it filed)."""
    link = signed_link_open(
        request,
        lambda: link_open(token),
        errors=(RequestLinkError,),
        invalid=lambda _error: _private(render(request, "privacy/link_invalid.html", status=404)),
        wall_template="privacy/too_many_links.html",
    )
    if isinstance(link, HttpResponse):
        return link
    language = customer_language(link.customer) if link.customer else translation.get_language()
    with translation.override(language):
        filed = DataRequest.objects.filter(portal_key=link.key).first()
        form = PortalConfirmForm(request.POST or None)
        if filed is None and request.method == "POST" and form.is_valid():
            filed = request_file(
                customer_id=link.customer.pk if link.customer else None,
                kind=link.kind,
                channel=RequestChannel.PORTAL,
                details=form.cleaned_data["details"],
                requester_email=link.contact_point.value,
                portal_key=link.key,
                http_request=request,
            )
        if filed is not None:
            context = {"filed": filed, "due": timezone.localtime(filed.deadline)}
            return _private(render(request, "privacy/dsr/portal_filed.html", context))
        status = 422 if request.method == "POST" else 200
        context = {"form": form, "kind": portal_kind_label(link.kind)}
        return _private(render(request, "privacy/dsr/portal_confirm.html", context, status=status))
