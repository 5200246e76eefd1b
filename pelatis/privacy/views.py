"""The customer's own consent pages (signed links, no login, rate limited): the preferences page and
the one-click unsubscribe of marketing email (RFC 8058)."""

from __future__ import annotations

from collections.abc import Callable

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pelatis.core.badlinks import bad_link_record, bad_links_blocked, bad_links_refused
from pelatis.core.ratelimit import over_limit
from pelatis.customers.models import Customer
from pelatis.lang.address import salutation

from .links import PREFERENCES_SALT, UNSUBSCRIBE_SALT, customer_from_token, preferences_path
from .models import ConsentChannel, Purpose, Source
from .queries import consent_current
from .services import consent_record
from .texts import (
    CHOOSABLE,
    EXPLAINED,
    HOW_TO_CHOOSE,
    UNLESS_OBJECTED,
    choice_statement,
    customer_language,
    one_click_wording,
)

# Changes per customer (their signed link) and window: plenty for a person, a wall for a loop replaying
# one link. Counted per customer, not per address: mail providers post one-click unsubscribes for many
# customers from a few shared addresses, and an office shares one.
RATE_LIMIT = 30
RATE_WINDOW = 10 * 60
# The page's form posts back to it: Chromium sends "Origin: null" on a POST from a no-referrer page, which
# fails the CSRF check. strict-origin keeps the token-bearing path out of every Referer (only the origin
# goes, even to our own static files) while the POST carries the real Origin.
REFERRER_POLICY = "strict-origin"


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = REFERRER_POLICY  # the path holds the customer's token
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag: keep the token out of the log
    return response


def _opened(request: HttpRequest, token: str, salt: str) -> Customer | HttpResponse:
    """The customer a link stands for, or the page that refuses it.

    The signature is checked first (an HMAC, no database): a link we signed always opens, even from an
    address the bad-link wall blocks, because mail providers and offices share addresses with whoever
    sent the bad links. Only a failed signature counts against the address; once over the wall's limit it
    gets the wall's page instead of "invalid", so a guessing loop learns nothing more either way."""
    try:
        return customer_from_token(token, salt=salt)
    except signing.BadSignature:  # altered, made up, or expired
        if bad_links_blocked(request):
            return bad_links_refused(request, template="privacy/too_many_links.html")
        bad_link_record(request)
    except (ObjectDoesNotExist, KeyError, ValueError, TypeError):
        pass  # a link we signed, for a customer since erased: not a guess, so not counted
    return _private(render(request, "privacy/link_invalid.html", status=404))


def _over_limit(request: HttpRequest, customer: Customer) -> HttpResponse | None:
    """The 429 page when this customer's link has made too many changes in the window, else None."""
    if not over_limit(f"privacy:customer:{customer.pk}", limit=RATE_LIMIT, window=RATE_WINDOW):
        return None
    page = render(request, "privacy/too_many.html", {"minutes": RATE_WINDOW // 60}, status=429)
    page["Retry-After"] = str(RATE_WINDOW)
    return _private(page)


def _in_language(customer: Customer, page: Callable[[], HttpResponse]) -> HttpResponse:
    with translation.override(customer_language(customer)):
        return _private(page())


def _greeting(customer: Customer) -> str:
    """The page opens as our emails do: in the customer's language and form of address."""
    return salutation(
        language=customer_language(customer),
        formal=customer.formal,
        title=customer.title,
        first_name=customer.first_name,
        last_name=customer.last_name,
    )


def _rows(customer: Customer) -> list[dict[str, object]]:
    """The page's grid: one row per purpose a customer chooses, a box per channel, ticked when allowed.
    Offers are ticked only after the customer's yes; what we do unless they object is ticked until they
    object, and its row says so."""
    state = {(s.purpose, s.channel): s.granted for s in consent_current(customer.pk)}
    return [
        {
            "purpose": purpose,
            "label": Purpose(purpose).label,
            "explained": EXPLAINED[purpose],
            "how": HOW_TO_CHOOSE[purpose],
            "unless_objected": purpose in UNLESS_OBJECTED,
            "boxes": [
                {
                    "name": f"{purpose}.{channel}",
                    "label": ConsentChannel(channel).label,
                    "checked": state[(purpose, channel)],
                }
                for channel in ConsentChannel.values
            ],
        }
        for purpose in CHOOSABLE
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows what the customer allows now (theirs only, in their language); a POST records each
    box that changed, with the sentence the page showed for it."""
    customer = _opened(request, token, PREFERENCES_SALT)
    if isinstance(customer, HttpResponse):
        return customer

    if request.method == "POST" and (refused := _over_limit(request, customer)) is not None:
        return refused

    def page() -> HttpResponse:
        changed = 0
        if request.method == "POST":
            changed = _preferences_save(request, customer)
        return render(
            request,
            "privacy/preferences.html",
            {
                "greeting": _greeting(customer),
                "rows": _rows(customer),
                "saved": request.method == "POST",
                "changed": changed,
            },
        )

    return _in_language(customer, page)


def _preferences_save(request: HttpRequest, customer: Customer) -> int:
    """Record every box whose state differs from what holds now, with what the customer stated by it (a
    yes, an objection, or its withdrawal); all or nothing."""
    state = {(s.purpose, s.channel): s.granted for s in consent_current(customer.pk)}
    heading = _("Your communication preferences")
    changed = 0
    with transaction.atomic():
        for purpose in CHOOSABLE:
            for channel in ConsentChannel.values:
                wanted = request.POST.get(f"{purpose}.{channel}") == "on"
                if wanted == state[(purpose, channel)]:
                    continue
                consent_record(
                    customer=customer,
                    purpose=purpose,
                    channel=channel,
                    granted=wanted,
                    source=Source.LINK,
                    wording=f"{heading}: {choice_statement(purpose, channel, wanted)}",
                )
                changed += 1
    return changed


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a session; the token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows a button; a POST (the button, or a mail client's ``List-Unsubscribe=One-Click``)
    withdraws offers and news by email at once. A second POST adds nothing.

    A signed unsubscribe is never refused, whatever the address has done: it only ever withdraws, and a
    repeat writes nothing (consent_record keeps one record per change), so a loop replaying one link costs
    what a GET costs and can add a record only after each re-subscription, which the preferences page
    limits per customer. Floods of made-up links meet the bad-link wall in _opened."""
    customer = _opened(request, token, UNSUBSCRIBE_SALT)
    if isinstance(customer, HttpResponse):
        return customer
    if request.method == "POST":
        consent_record(
            customer=customer,
            purpose=Purpose.MARKETING,
            channel=ConsentChannel.EMAIL,
            granted=False,
            source=Source.LINK,
            wording=one_click_wording(customer),
            note="List-Unsubscribe=One-Click" if request.POST.get("List-Unsubscribe") == "One-Click" else "",
        )
    template = "privacy/unsubscribed.html" if request.method == "POST" else "privacy/unsubscribe_confirm.html"
    return _in_language(
        customer,
        lambda: render(request, template, {"customer": customer, "preferences": preferences_path(customer)}),
    )
