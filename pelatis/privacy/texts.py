"""The words a customer sees about consent, in their language; the sentence shown is what is recorded."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer

from .models import DEFAULTS, ConsentChannel, Purpose

# What a customer can choose on their preferences page (service messages about their orders and
# requests are part of serving them and are not offered as a choice there).
CHOOSABLE = (Purpose.MARKETING, Purpose.SURVEYS, Purpose.PROFILING)

EXPLAINED = {
    Purpose.SERVICE: _("Messages about your orders, requests and account."),
    Purpose.MARKETING: _("Offers, news and invitations from us."),
    Purpose.SURVEYS: _("Short questions about how we served you."),
    Purpose.PROFILING: _("Suggestions chosen from what you bought before."),
}

# What we do unless the customer objects (legitimate interest): the page words their boxes as an objection,
# never as a consent they gave. The rest of CHOOSABLE only ever happens after a yes.
UNLESS_OBJECTED = tuple(purpose for purpose in CHOOSABLE if DEFAULTS[purpose])

# The line under each purpose that says what a box means.
HOW_TO_CHOOSE = {
    Purpose.MARKETING: _("Only with your yes: tick each way you would like to receive them."),
    Purpose.SURVEYS: _(
        "We send you satisfaction surveys unless you object: untick any way you object to, and save."
    ),
    Purpose.PROFILING: _(
        "We choose suggestions for you from your purchases unless you object: untick any way you object to, "
        "and save."
    ),
}

# What the customer stated by changing a box (recorded with the change), by purpose and new state.
_STATEMENTS = {
    (Purpose.MARKETING, True): _("I want to receive offers and news %(channel)s."),
    (Purpose.MARKETING, False): _("I no longer want to receive offers and news %(channel)s."),
    (Purpose.SURVEYS, False): _("I object to satisfaction surveys %(channel)s."),
    (Purpose.SURVEYS, True): _("I withdraw my objection to satisfaction surveys %(channel)s."),
    (Purpose.PROFILING, False): _(
        "I object to suggestions chosen from my purchases %(channel)s (personalised suggestions)."
    ),
    (Purpose.PROFILING, True): _(
        "I withdraw my objection to suggestions chosen from my purchases %(channel)s (personalised suggestions)."
    ),
}

BY_CHANNEL = {
    ConsentChannel.EMAIL: _("by email"),
    ConsentChannel.SMS: _("by SMS"),
    ConsentChannel.PHONE: _("by phone"),
}


def customer_language(customer: Customer) -> str:
    """The customer's language when the site speaks it, else the business's."""
    codes = {code for code, _name in settings.LANGUAGES}
    return customer.language if customer.language in codes else settings.LANGUAGE_CODE


def choice_statement(purpose: str, channel: str, granted: bool) -> str:
    """What a customer states by ticking (``granted``) or unticking one box of the preferences page, in
    the active language: a yes or its withdrawal for offers, an objection or its withdrawal for what we do
    unless they object."""
    return str(_STATEMENTS[(Purpose(purpose), granted)]) % {"channel": BY_CHANNEL[ConsentChannel(channel)]}


def one_click_wording(customer: Customer) -> str:
    """What the one-click unsubscribe stands for, in the customer's language (recorded with it)."""
    with translation.override(customer_language(customer)):
        return gettext("Unsubscribe from offers and news by email (one-click link in our email).")
