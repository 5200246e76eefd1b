"""Reviews and social mentions from outside platforms: validation shared by the webhook, the API and
the CSV import; ingestion (idempotent by platform and id), linking to a customer, answers, follow-up."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.channels.customers import customer_by_email, customer_create_from_contact, name_split
from pelatis.core.formatting import platform_name
from pelatis.core.hooks import contributions
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.normalise import email_normalise, phone_normalise
from pelatis.customers.services import customer_create, interaction_record, timeline_text
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open

from ..models import Review
from ..sentiment import text_sentiment

MAX_TEXT = 20_000
MAX_ANSWER = 4000
_PLATFORM_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_STARS = "★⭐"


@dataclass(frozen=True)
class ReviewInput:
    """A review as every door hands it in, already validated and in its stored form."""

    platform: str
    external_id: str
    published_at: dt.datetime
    rating: int | None = None
    text: str = ""
    kind: str = Review.Kind.REVIEW
    author: str = ""
    author_email: str = ""
    author_phone: str = ""
    url: str = ""
    language: str = ""


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise TypeError(name)
    return str(value).strip()


def rating_normalise(value: Any, scale: Any = None) -> int | None:
    """A 1–5 rating from 4, "4,5", "8/10", "★★★★" or a value on a ``scale`` (10 for 8/10); half rounds up.

    Raises ValueError with a message for the person who sent it.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("A rating is a number such as 4 or 8/10."))
    text = str(value).strip()
    if text and all(ch in _STARS for ch in text.replace("☆", "")):
        text = str(sum(ch in _STARS for ch in text))
    if "/" in text:
        text, _sep, scale_text = text.partition("/")
        scale = scale_text
    try:
        number = Decimal(text.strip().replace(",", "."))
        top = Decimal(str(scale).strip().replace(",", ".")) if scale not in (None, "") else Decimal(5)
    except InvalidOperation as exc:
        raise ValueError(_("A rating is a number such as 4 or 8/10.")) from exc
    if not top.is_finite() or not number.is_finite() or top <= 0:
        raise ValueError(_("The rating scale must be a positive number such as 5 or 10."))
    if number <= 0 or number > top:
        raise ValueError(_("The rating must be above 0 and at most %(top)s.") % {"top": top.normalize()})
    stars = (number * 5 / top).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(1, min(5, int(stars)))


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        parsed = parse_datetime(text) if "T" in text or " " in text else None
        # ValueError when not a date
        moment = parsed or dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def review_input_clean(data: Mapping[str, Any], *, region: str | None = None) -> ReviewInput:
    """Validate a review given as a mapping (JSON body, API payload, CSV row).

    Raises ValidationError with one entry per bad field, named as the sender named it.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    for name in (
        "platform",
        "external_id",
        "text",
        "author",
        "author_email",
        "author_phone",
        "url",
        "language",
        "kind",
    ):
        try:
            values[name] = _text(data, name)
        except TypeError:
            errors[name] = [_("Must be text.")]
            values[name] = ""
    platform = values["platform"].lower()
    if not platform:
        errors.setdefault("platform", [_("The platform is required (e.g. google, tripadvisor).")])
    elif not _PLATFORM_RE.match(platform):
        errors["platform"] = [_("Use up to 40 lower-case letters, digits, dots, dashes or underscores.")]
    external_id = values["external_id"]
    if not external_id and "external_id" not in errors:
        errors["external_id"] = [_("The review's id on the platform is required.")]
    elif len(external_id) > 200:
        errors["external_id"] = [_("At most %(n)d characters.") % {"n": 200}]
    kind = values["kind"].lower() or Review.Kind.REVIEW
    if kind not in Review.Kind.values:
        errors["kind"] = [_("Use review or mention.")]
    rating = None
    try:
        rating = rating_normalise(data.get("rating"), data.get("rating_max"))
    except ValueError as exc:
        errors["rating"] = [str(exc)]
    text = values["text"][:MAX_TEXT]
    if not text and rating is None and "rating" not in errors and "text" not in errors:
        errors["text"] = [_("A review needs a text or a rating.")]
    published_at = timezone.now()
    if data.get("published_at") not in (None, ""):
        try:
            published_at = _moment(data["published_at"])
        except (ValueError, TypeError, OverflowError):
            errors["published_at"] = [_("Not a date: use YYYY-MM-DD or an ISO 8601 date and time.")]
    email = values["author_email"]
    if email:
        try:
            email = email_normalise(email)
        except ValueError as exc:
            errors["author_email"] = [str(exc)]
    phone = values["author_phone"]
    if phone:
        try:
            phone = phone_normalise(phone, region)
        except ValueError as exc:
            errors["author_phone"] = [str(exc)]
    url = values["url"]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Not a web address (http:// or https://).")]
        if len(url) > 500:
            errors["url"] = [_("At most %(n)d characters.") % {"n": 500}]
    language = values["language"].lower()
    if language and not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
        errors["language"] = [
            _("“%(value)s” is not a language code such as el or en.") % {"value": values["language"]}
        ]
    if errors:
        raise ValidationError(errors)
    return ReviewInput(
        platform=platform,
        external_id=external_id,
        published_at=published_at,
        rating=rating,
        text=text,
        kind=kind,
        author=" ".join(values["author"].split())[:200],
        author_email=email,
        author_phone=phone,
        url=url,
        language=language[:10],
    )


def review_customer_match(*, email: str = "", phone: str = "", name: str = "") -> Customer | None:
    """The customer a review belongs to: by email, then phone, then a display name only one customer has."""
    if email:
        customer = customer_by_email(email)
        if customer is not None:
            return customer
    if phone:
        point = (
            ContactPoint.objects.filter(
                kind=ContactPoint.Kind.PHONE, value=phone, customer__merged_into__isnull=True
            )
            .select_related("customer")
            .order_by("customer_id")
            .first()
        )
        if point is not None:
            return point.customer
    name = " ".join((name or "").split())
    if name:
        found = list(Customer.objects.filter(display_name=name, merged_into__isnull=True)[:2])
        if len(found) == 1:
            return found[0]
    return None


def _reviewer_as_customer(data: ReviewInput, language: str) -> Customer:
    """Someone we must follow up with but do not know yet: a customer from what the review says."""
    note = timeline_text(
        gettext_noop("Wrote a review on %(platform)s."), platform=platform_name(data.platform)
    )
    if data.author_email:
        customer = customer_create_from_contact(
            email=data.author_email, name=data.author, phone=data.author_phone, language=language
        )
        return customer
    first, last = name_split(
        data.author
        or timeline_text(gettext_noop("Reviewer on %(platform)s"), platform=platform_name(data.platform))
    )
    return customer_create(
        data=CustomerInput(
            first_name=first,
            last_name=last or first,
            notes=note,
            language=language,
            phones=[data.author_phone] if data.author_phone else [],
        )
    )


def _summary(review: Review) -> str:
    if review.rating is not None:
        return timeline_text(
            gettext_noop("Review on %(platform)s: %(rating)s/5"),
            platform=platform_name(review.platform),
            rating=review.rating,
        )
    return timeline_text(gettext_noop("Mention on %(platform)s"), platform=platform_name(review.platform))


@transaction.atomic
def review_ingest(*, data: ReviewInput) -> tuple[Review, bool]:
    """Store a review once per (platform, id): (review, True) when new, (the stored one, False) when known.

    A new review is linked to its customer and lands on their timeline; a negative one (rated 1–2, or
    unrated with negative sentiment) opens one follow-up ticket, with a new customer for an unknown author.
    """
    known = Review.objects.filter(platform=data.platform, external_id=data.external_id).first()
    if known is not None:
        return known, False
    label, score, detected = text_sentiment(data.text, language=data.language or None)
    review = Review(
        platform=data.platform,
        external_id=data.external_id,
        kind=data.kind,
        rating=data.rating,
        text=data.text,
        author=data.author,
        author_email=data.author_email,
        author_phone=data.author_phone,
        url=data.url,
        published_at=data.published_at,
        language=data.language or detected,
        sentiment_label=label,
        sentiment_score=score,
        customer=review_customer_match(email=data.author_email, phone=data.author_phone, name=data.author),
    )
    try:
        with transaction.atomic():  # a concurrent delivery of the same review wins the race: return theirs
            review.save()
    except IntegrityError:
        return Review.objects.get(platform=data.platform, external_id=data.external_id), False
    if review.is_negative:
        if review.customer is None:
            known_language = (
                review.language if review.language in ("el", "en") else settings.LANGUAGE_CODE[:2]
            )
            review.customer = _reviewer_as_customer(data, known_language)
        follow_up, _m = ticket_open(
            customer=review.customer,
            type=Ticket.Type.COMPLAINT,
            priority=Ticket.Priority.HIGH,
            channel="social",
            language=review.language[:2],
            subject=timeline_text(
                gettext_noop("Negative review on %(platform)s"), platform=platform_name(review.platform)
            ),
            mail=InboundMail(
                body_text="\n\n".join(p for p in (_summary(review), review.text, review.url) if p)
            ),
        )
        review.follow_up_ticket = follow_up
        review.save(update_fields=["customer", "follow_up_ticket"])
    if review.customer is not None:
        interaction_record(
            customer=review.customer,
            channel="social",
            direction="in",
            summary=_summary(review),
            body=review.text,
            occurred_at=review.published_at,
            source_type="feedback.review",
            source_id=str(review.pk),
        )
    told = {
        "kind": "review",
        "customer_id": review.customer_id,
        "object_id": review.pk,
        "score": review.rating,
        "is_compliment": review.rating == 5,
    }
    transaction.on_commit(lambda: [hook(**told) for hook in contributions("FEEDBACK_RECEIVED")])
    return review, True


@transaction.atomic
def review_answer(*, review: Review, answer: str, by: User) -> Review:
    """Store our public answer to a review (to copy to the platform); a new answer replaces the old one."""
    text = (answer or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"answer": [_("The answer is empty.")]})
    if len(text) > MAX_ANSWER:
        raise ValidationError({"answer": [_("At most %(n)d characters.") % {"n": MAX_ANSWER}]})
    locked = Review.objects.select_for_update(of=("self",)).select_related("customer").get(pk=review.pk)
    locked.answer = text
    locked.answered_by = by
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    if locked.customer is not None:
        interaction_record(
            customer=locked.customer,
            channel="social",
            direction="out",
            body=text,
            actor=by,
            summary=timeline_text(
                gettext_noop("Answered the review on %(platform)s"), platform=platform_name(locked.platform)
            ),
            source_type="feedback.review",
            source_id=str(locked.pk),
        )
    return locked
