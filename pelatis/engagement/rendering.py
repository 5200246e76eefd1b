"""Message templates rendered for one customer: the version in their language (or the template's
fallback), placeholders filled in their form of address and their language's formats.

Templates are written by staff, so they are held to a small, safe language: placeholders only
(``{{ address }}``, ``{{ points }}``…), never a template tag, a filter or an attribute; a placeholder
the renderer does not know is refused when the template is saved and again when it is rendered, so a
raw ``{{ … }}`` never reaches a customer. The text is rendered by Django's template engine with no
escaping (it is plain text); the HTML part is built from that text with everything escaped and the
links made clickable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine
from django.template.base import Lexer, TokenType
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pelatis.channels.customers import customer_zone
from pelatis.core.business import business_brand
from pelatis.customers.models import Customer, Order
from pelatis.customers.queries import customer_next_name_day
from pelatis.lang.address import salutation, vocative
from pelatis.loyalty import queries as loyalty_queries

from .models import MessageTemplate, TemplateVersion

# The placeholders a template may use, with what each becomes (shown as the help list beside the editor).
PLACEHOLDERS: dict[str, Promise] = {
    "address": _(
        "The form of address: «κύριε Παπαδόπουλε», «κυρία Παπαδοπούλου», «Γιώργο», "
        "“Mr Papadopoulos”, “George”"
    ),
    "greeting": _("The opening line with its comma, e.g. «Αγαπητέ κύριε Παπαδόπουλε,»"),
    "first_name": _("First name, as written"),
    "last_name": _("Last name, as written"),
    "name": _("Full name (or the company's name)"),
    "points": _("Loyalty points balance"),
    "tier": _("Loyalty tier"),
    "last_purchase": _("The last purchase: product and date"),
    "last_purchase_date": _("The date of the last purchase"),
    "name_day": _("The next name day's date"),
    "business": _("The business's name"),
    "recommendations": _("Suggested products (filled in by the journey or campaign)"),
}
# Values callers pass in ``extra`` for these names; other extra names are allowed when passed.
EXTRA_PLACEHOLDERS = frozenset({"recommendations"})

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}»”’'"
_MALE = {"κ.", "κ", "κος", "κύριος", "κυριος", "mr", "mr.", "herr", "sig.", "m.", "sr.", "sr"}
_FEMALE = {"κα", "κα.", "κυρία", "κυρια", "mrs", "ms", "mrs.", "ms.", "frau", "sig.ra", "mme", "mme.", "sra."}
# Templates hold variables only, so the engine needs no libraries; built once per process.
_ENGINE = Engine(debug=False, libraries={}, autoescape=False, string_if_invalid="")


class RenderError(ValueError):
    """A template cannot be rendered for this customer (a placeholder unknown to the renderer)."""


class NoVersion(LookupError):
    """The template has no version in the customer's language nor in its fallback language."""


@dataclass(frozen=True)
class Rendered:
    """A message ready for one customer. ``language`` is the version's; ``fallback`` tells that the
    customer's own language had no version."""

    language: str
    subject: str
    text: str
    html: str
    version_id: int
    fallback: bool


# --- checking what staff write ----------------------------------------------------------------------


def placeholders_in(source: str) -> list[str]:
    """The placeholder names ``source`` uses, in order; ValueError naming the first thing that is not a
    plain ``{{ name }}`` (a tag, a filter, an attribute, a brace left open)."""
    names: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            raise ValueError(
                gettext("“{%% %(tag)s %%}”: templates take placeholders only, no tags.")
                % {"tag": token.contents}
            )
        if token.token_type == TokenType.VAR:
            name = token.contents.strip()
            if not _NAME.match(name):
                raise ValueError(
                    gettext(
                        "“{{ %(text)s }}” is not a placeholder: write a name alone, e.g. {{ first_name }}."
                    )
                    % {"text": token.contents}
                )
            names.append(name)
        elif token.token_type == TokenType.TEXT and _LEFTOVER.search(token.contents):
            raise ValueError(gettext("A placeholder's braces are not closed: write {{ name }}."))
    return names


def placeholders_check(source: str, *, field: str, allowed: Iterable[str] | None = None) -> None:
    """ValidationError on ``field`` for a tag, a malformed placeholder or an unknown one (named)."""
    known = set(PLACEHOLDERS) if allowed is None else set(allowed)
    try:
        names = placeholders_in(source)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from exc
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValidationError(
            {
                field: [
                    gettext("Unknown placeholder: %(names)s. Use one of %(known)s.")
                    % {
                        "names": ", ".join(f"{{{{ {n} }}}}" for n in unknown),
                        "known": ", ".join(f"{{{{ {n} }}}}" for n in sorted(known)),
                    }
                ]
            }
        )


# --- the customer's values ----------------------------------------------------------------------------


def title_gender(title: str) -> str:
    """ "m", "f" or "" from the customer's form of address (κ. / κα, Mr / Ms, Herr / Frau…)."""
    t = title.strip().lower()
    return "m" if t in _MALE else "f" if t in _FEMALE else ""


def form_of_address(customer: Customer, *, language: str) -> str:
    """How the text calls the customer, in the vocative: «κύριε Παπαδόπουλε», «κυρία Παπαδοπούλου»,
    informally «Γιώργο»; "Mr Papadopoulos" / "George" in English; a company by its name."""
    if customer.kind == Customer.Kind.COMPANY:
        return customer.company_name or customer.display_name
    first, last, gender = (
        customer.first_name.strip(),
        customer.last_name.strip(),
        title_gender(customer.title),
    )
    if language == "el":
        if not customer.formal and first:
            return vocative(first)
        if gender and last:
            return f"κύριε {vocative(last, surname=True)}" if gender == "m" else f"κυρία {last}"
        return (
            " ".join(p for p in (vocative(first), vocative(last, surname=True)) if p) or customer.display_name
        )
    if not customer.formal and first:
        return first
    if gender and last:
        if language == "de":
            return f"{'Herr' if gender == 'm' else 'Frau'} {last}"
        return f"{'Mr' if gender == 'm' else 'Ms'} {last}"
    return " ".join(p for p in (first, last) if p) or customer.display_name


def _number(value: int) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _day(value: dt.date) -> str:
    return (
        formats.date_format(value, "j E Y")
        if translation.get_language() == "el"
        else formats.date_format(value, "j F Y")
    )


def _last_order(customer: Customer) -> Order | None:
    return (
        Order.objects.filter(customer=customer)
        .exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUNDED])
        .prefetch_related("lines")
        .order_by("-placed_at", "-id")
        .first()
    )


def _last_purchase(customer: Customer, *, with_product: bool) -> str:
    order = _last_order(customer)
    if order is None:
        return ""
    placed = _day(timezone.localtime(order.placed_at, customer_zone(customer.time_zone)).date())
    if not with_product:
        return placed
    names = [line.name for line in order.lines.all()]
    if not names:
        return placed
    product = ", ".join(names[:2]) + (", …" if len(names) > 2 else "")
    return f"{product} ({placed})"


def _tier(customer: Customer, language: str) -> str:
    status = loyalty_queries.tier_status(customer.pk, language=language)
    return (status.tier or "") if status is not None else ""


def _name_day(customer: Customer) -> str:
    day = customer_next_name_day(customer, today=timezone.localdate())
    return formats.date_format(day, "l j E" if translation.get_language() == "el" else "l j F") if day else ""


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(f"• {item}" for item in value)
    return str(value)


_VALUES: dict[str, Callable[[Customer, str], str]] = {
    "address": lambda c, lang: form_of_address(c, language=lang),
    "greeting": lambda c, lang: salutation(
        language=lang, formal=c.formal, title=c.title, first_name=c.first_name, last_name=c.last_name
    ),
    "first_name": lambda c, lang: c.first_name,
    "last_name": lambda c, lang: c.last_name,
    "name": lambda c, lang: c.display_name,
    "points": lambda c, lang: _number(loyalty_queries.balance_of(c)),
    "tier": lambda c, lang: _tier(c, lang),
    "last_purchase": lambda c, lang: _last_purchase(c, with_product=True),
    "last_purchase_date": lambda c, lang: _last_purchase(c, with_product=False),
    "name_day": lambda c, lang: _name_day(c),
    "business": lambda c, lang: business_brand().display_name,
}


def values_for(
    customer: Customer, names: Iterable[str], *, language: str, extra: Mapping[str, Any]
) -> dict[str, str]:
    """The values of ``names`` for the customer, in ``language``; only what the template uses is read."""
    values: dict[str, str] = {}
    with translation.override(language):
        for name in dict.fromkeys(names):
            if name in extra:
                values[name] = _text_of(extra[name])
            elif name in _VALUES:
                values[name] = _VALUES[name](customer, language)
            elif name in PLACEHOLDERS:  # a placeholder the caller fills (recommendations) left empty
                values[name] = ""
            else:
                raise RenderError(gettext("Unknown placeholder {{ %(name)s }}.") % {"name": name})
    return values


# --- choosing the version, rendering --------------------------------------------------------------------


def version_for(template: MessageTemplate, language: str) -> tuple[TemplateVersion, bool]:
    """The version in ``language`` (exact, then its base language "pt-BR" → "pt"), else the template's
    fallback language; True in the pair when the fallback was used. NoVersion when neither exists."""
    versions = {v.language.lower(): v for v in template.versions.all()}
    wanted = (language or "").lower()
    for code in (wanted, wanted.split("-")[0]):
        if code and code in versions:
            return versions[code], False
    fallback = versions.get((template.fallback_language or "").lower())
    if fallback is None:
        raise NoVersion(template.pk)
    return fallback, True


def render_source(source: str, values: Mapping[str, str]) -> str:
    """``source`` with its placeholders replaced (text: nothing escaped); RenderError for a bad one."""
    try:
        names = placeholders_in(source)
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
    missing = sorted(set(names) - set(values))
    if missing:
        raise RenderError(gettext("Unknown placeholder {{ %(name)s }}.") % {"name": missing[0]})
    return _ENGINE.from_string(source).render(Context(dict(values), autoescape=False))


def html_from_text(text: str, *, link: Callable[[str], str] | None = None) -> str:
    """The text as HTML: everything escaped, blank lines make paragraphs, line ends <br>, and each
    http(s) link clickable (its href through ``link``, e.g. a click-tracking link)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = [_linkify(line, link) for line in paragraph.split("\n")]
        out.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "\n".join(out)


def _linkify(line: str, link: Callable[[str], str] | None) -> str:
    parts: list[str] = []
    last = 0
    for match in URL.finditer(line):
        url = match.group(0).rstrip(_URL_TRAILING)
        end = match.start() + len(url)
        parts.append(escape(line[last : match.start()]))
        href = link(url) if link is not None else url
        parts.append(f'<a href="{escape(href)}">{escape(url)}</a>')
        last = end
    parts.append(escape(line[last:]))
    return "".join(parts)


def render_for(
    customer: Customer, template: MessageTemplate, *, extra: dict[str, Any] | None = None
) -> Rendered:
    """The template for this customer: their language's version (or the fallback), placeholders filled.

    Raises NoVersion when the template has no usable version, RenderError for a placeholder the
    renderer does not know (nothing half-rendered ever goes out)."""
    version, fallback = version_for(template, customer.language)
    language = version.language
    names = placeholders_in_safe(version.subject) + placeholders_in_safe(version.body)
    values = values_for(customer, names, language=language, extra=extra or {})
    subject = " ".join(render_source(version.subject, values).split())
    text = render_source(version.body, values).strip()
    return Rendered(
        language=language,
        subject=subject,
        text=text,
        html=html_from_text(text),
        version_id=version.pk,
        fallback=fallback,
    )


def placeholders_in_safe(source: str) -> list[str]:
    """placeholders_in, with RenderError for what is not a placeholder (rendering's error type)."""
    try:
        return placeholders_in(source)
    except ValueError as exc:
        raise RenderError(str(exc)) from exc
