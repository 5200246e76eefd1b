"""The words a customer sees about consent, in their language; the sentence shown is what is recorded."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer

from .models import ConsentChannel, Purpose

# What a customer can choose on their preferences page (service messages about their orders and
# requests are part of serving them and are not offered as a choice there).
CHOOSABLE = (Purpose.MARKETING, Purpose.SURVEYS, Purpose.PROFILING)

EXPLAINED = {
    Purpose.SERVICE: _("Messages about your orders, requests and account."),
    Purpose.MARKETING: _("Offers, news and invitations from us."),
    Purpose.SURVEYS: _("Short questions about how we served you."),
    Purpose.PROFILING: _("Suggestions chosen from what you bought before."),
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


def pair_wording(purpose: str, channel: str) -> str:
    """The sentence a checkbox of the preferences page states (in the active language)."""
    return gettext("%(purpose)s %(channel)s: %(explained)s") % {
        "purpose": Purpose(purpose).label,
        "channel": BY_CHANNEL[ConsentChannel(channel)],
        "explained": EXPLAINED[Purpose(purpose)],
    }


def one_click_wording(customer: Customer) -> str:
    """What the one-click unsubscribe stands for, in the customer's language (recorded with it)."""
    with translation.override(customer_language(customer)):
        return gettext("Unsubscribe from offers and news by email (one-click link in our email).")
