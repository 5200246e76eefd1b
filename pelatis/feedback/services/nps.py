"""NPS: who is due, the survey email with 0–10 one-click links, answers, and follow-up of detractors.

A customer is asked at most once per interval across all campaigns: each
response remembers until when its customer rests (``ask_again_after``), and
a campaign asks only customers past both that date and its own interval.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.channels.mail import customer_greeting, email_build
from pelatis.core.hooks import contributions
from pelatis.customers.models import ContactPoint, Customer, Order, Tag
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import InboundMail, note_add, ticket_open

from ..models import NpsCampaign, NpsResponse, NpsRun
from ..nps_audiences import audience_condition, audience_labels
from ..retention import survey_link_open
from ..sentiment import text_sentiment
from .consent import feedback_opted_out, opted_out_ids, optout_token

log = logging.getLogger(__name__)
SALT = "pelatis.nps"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # a score link works for 30 days
DETRACTOR_MAX = 6  # 0–6 detractors, 7–8 passives, 9–10 promoters
BATCH = 200  # surveys per worker run, across campaigns

# The survey's own words in the customer's language (formal and informal Greek differ).
TEXTS = {
    "el": {
        "subject": "Θα μας προτείνατε; Μια ερώτηση, ένα κλικ",
        "question": "Πόσο πιθανό είναι να μας προτείνετε σε έναν φίλο ή συνάδελφο;",
        "question_informal": "Πόσο πιθανό είναι να μας προτείνεις σε έναν φίλο ή συνάδελφο;",
        "low": "0 = καθόλου πιθανό",
        "high": "10 = εξαιρετικά πιθανό",
        "click": "Ένα κλικ στον αριθμό αρκεί· μετά μπορείτε, αν θέλετε, να μας πείτε και γιατί.",
        "thanks": "Σας ευχαριστούμε!",
        "stop": "Να μη μου ζητάτε πια τη γνώμη μου",
    },
    "en": {
        "subject": "Would you recommend us? One question, one click",
        "question": "How likely are you to recommend us to a friend or colleague?",
        "question_informal": "How likely are you to recommend us to a friend or colleague?",
        "low": "0 = not at all likely",
        "high": "10 = extremely likely",
        "click": "One click on a number is enough; afterwards you can tell us why, if you like.",
        "thanks": "Thank you!",
        "stop": "Stop asking me for feedback",
    },
}


def survey_language(customer: Customer) -> str:
    """The language a customer is surveyed in: theirs when we have the wording, else English."""
    code = (customer.language or settings.LANGUAGE_CODE or "en")[:2].lower()
    return code if code in TEXTS else "en"


def nps_question(language: str, *, formal: bool = True) -> str:
    """ "How likely are you to recommend us …?" in ``language`` (and form of address)."""
    texts = TEXTS.get(language, TEXTS["en"])
    return texts["question"] if formal else texts["question_informal"]


def nps_token(response: NpsResponse, score: int) -> str:
    """The signed token of one score link (response and score inside; nothing guessable)."""
    return signing.dumps({"n": response.pk, "v": score}, salt=SALT)


def nps_from_token(token: str) -> tuple[NpsResponse, int]:
    """The response and score a link stands for; raises signing.BadSignature (incl. expiry) or DoesNotExist."""
    data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    # An erased customer's old links open nothing (raising DoesNotExist, like a deleted response).
    responses = NpsResponse.objects.select_related("customer").exclude(customer__erased_at__isnull=False)
    response = responses.get(pk=int(data["n"]))
    if not survey_link_open(response.sent_at, timezone.now()):  # the retention period has passed
        raise signing.SignatureExpired
    return response, int(data["v"])


def _campaign_values(
    *,
    name: str,
    segment: str,
    tag: Tag | None,
    order_days: int | None,
    interval_days: int | None,
    active: bool,
    audience: str = "",
) -> dict[str, object]:
    """A campaign's settings checked (ValidationError naming each field that does not fit the segment), with
    a tag, a number of days or an audience that the segment does not use left out."""
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Give the campaign a name.")]
    if segment not in NpsCampaign.Segment.values:
        errors["segment"] = [_("Unknown segment “%(value)s”.") % {"value": segment}]
    if segment == NpsCampaign.Segment.TAG and tag is None:
        errors["tag"] = [_("Choose the tag of the customers to ask.")]
    if segment == NpsCampaign.Segment.RECENT_ORDER and not (order_days and order_days >= 1):
        errors["order_days"] = [_("Give the number of days (1 or more).")]
    audience = (audience or "").strip()
    if segment == NpsCampaign.Segment.AUDIENCE:
        if not audience:
            errors["audience"] = [_("Choose the saved segment of the customers to ask.")]
        elif len(audience) > 80 or audience not in audience_labels():
            errors["audience"] = [
                _("Unknown saved segment “%(value)s”: it may have been deleted. Choose another.")
                % {"value": audience[:80]}
            ]
    if interval_days is None or interval_days < 1:
        errors["interval_days"] = [_("The interval is at least one day.")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:120],
        "segment": segment,
        "tag": tag if segment == NpsCampaign.Segment.TAG else None,
        "order_days": order_days if segment == NpsCampaign.Segment.RECENT_ORDER else None,
        "audience": audience if segment == NpsCampaign.Segment.AUDIENCE else "",
        "interval_days": interval_days,
        "active": active,
    }


@transaction.atomic
def nps_campaign_create(
    *,
    name: str,
    segment: str = NpsCampaign.Segment.ALL,
    tag: Tag | None = None,
    order_days: int | None = None,
    interval_days: int = 90,
    active: bool = True,
    audience: str = "",
) -> NpsCampaign:
    """A new NPS campaign; raises ValidationError naming the field that does not fit the segment.

    ``audience`` is one of the audiences other apps offer (``"segment:12"``), for the segment "audience"."""
    return NpsCampaign.objects.create(
        **_campaign_values(
            name=name,
            segment=segment,
            tag=tag,
            order_days=order_days,
            interval_days=interval_days,
            active=active,
            audience=audience,
        )
    )


@transaction.atomic
def nps_campaign_update(
    *,
    campaign: NpsCampaign,
    name: str,
    segment: str,
    tag: Tag | None = None,
    order_days: int | None = None,
    interval_days: int | None = None,
    active: bool = True,
    audience: str = "",
) -> NpsCampaign:
    """Change a campaign's settings, with the same checks as :func:`nps_campaign_create`."""
    values = _campaign_values(
        name=name,
        segment=segment,
        tag=tag,
        order_days=order_days,
        interval_days=interval_days,
        active=active,
        audience=audience,
    )
    locked = NpsCampaign.objects.select_for_update().get(pk=campaign.pk)
    for field, value in values.items():
        setattr(locked, field, value)
    locked.save()
    return locked


def _resting(campaign: NpsCampaign, now: dt.datetime) -> Q:
    """Responses that keep a customer from being asked now by this campaign."""
    return Q(sent_at__gt=now - dt.timedelta(days=campaign.interval_days)) | Q(ask_again_after__gt=now)


def nps_due_customer_ids(
    campaign: NpsCampaign, *, now: dt.datetime | None = None, limit: int = BATCH
) -> list[int]:
    """Customers this campaign would ask now: in its segment, with an email, not opted out, not asked lately.

    A saved segment (segment "audience") is read as it is at this run; one that is gone matches nobody."""
    now = now or timezone.now()
    qs = Customer.objects.filter(
        Exists(ContactPoint.objects.filter(customer=OuterRef("pk"), kind=ContactPoint.Kind.EMAIL)),
        ~Exists(NpsResponse.objects.filter(_resting(campaign, now), customer=OuterRef("pk"))),
        merged_into__isnull=True,
        category=Customer.Category.EXTERNAL,
    ).exclude(pk__in=opted_out_ids())
    if campaign.segment == NpsCampaign.Segment.TAG:
        qs = qs.filter(tags=campaign.tag_id)
    elif campaign.segment == NpsCampaign.Segment.RECENT_ORDER:
        since = now - dt.timedelta(days=campaign.order_days or 0)
        qs = qs.filter(Exists(Order.objects.filter(customer=OuterRef("pk"), placed_at__gte=since)))
    elif campaign.segment == NpsCampaign.Segment.AUDIENCE:
        # As a subquery: an offer's condition may join rows, and a customer is still picked once.
        qs = qs.filter(pk__in=Customer.objects.filter(audience_condition(campaign.audience)).values("pk"))
    return list(qs.order_by("pk").values_list("pk", flat=True)[:limit])


def _email_of(customer: Customer) -> str:
    point = (
        ContactPoint.objects.filter(customer=customer, kind=ContactPoint.Kind.EMAIL)
        .order_by("-is_primary", "id")
        .first()
    )
    return point.value if point else ""


def _survey_email(
    response: NpsResponse, customer: Customer, address: str, base_url: str
) -> EmailMultiAlternatives:
    language = response.language
    texts = TEXTS[language]
    links = [
        (score, base_url + reverse("feedback:nps", args=[nps_token(response, score)])) for score in range(11)
    ]
    stop_url = base_url + reverse("feedback:optout", args=[optout_token(customer)])
    return email_build(
        to=address,
        subject=texts["subject"],
        template="feedback/email/nps",
        context={
            "greeting": customer_greeting(customer, language=language),
            "question": nps_question(language, formal=customer.formal),
            "texts": texts,
            "links": links,
            "stop_url": stop_url,
        },
        language=language,
        auto="auto-generated",
        unsubscribe_url=stop_url,
    )


def nps_send(
    *, campaign: NpsCampaign, customer_id: int, now: dt.datetime | None = None, base_url: str | None = None
) -> NpsResponse | None:
    """Ask one customer, once: None when they are not due (asked lately, opted out, no email, merged).

    Claim, send, record: the response row is created in a short transaction under the customer's lock
    (so a second worker finds the customer resting and sends nothing), the email goes out after that
    commits with no lock held, and the timeline entry is written once it has gone. Raises OSError
    when the mail server refuses or times out; the response is removed again then, so nothing is
    recorded and the next run tries again.
    """
    now = now or timezone.now()
    base_url = settings.PELATIS_BASE_URL if base_url is None else base_url
    with transaction.atomic():
        customer = (
            Customer.objects.select_for_update().filter(pk=customer_id, merged_into__isnull=True).first()
        )
        if (
            customer is None
            or customer.category != Customer.Category.EXTERNAL
            or feedback_opted_out(customer)
        ):
            return None
        if NpsResponse.objects.filter(_resting(campaign, now), customer=customer).exists():
            return None
        address = _email_of(customer)
        if not address:
            return None
        response = NpsResponse.objects.create(
            campaign=campaign,
            customer=customer,
            language=survey_language(customer),
            sent_at=now,
            ask_again_after=now + dt.timedelta(days=campaign.interval_days),
        )
    email = _survey_email(response, customer, address, base_url)
    try:
        email.send()
    except OSError:
        NpsResponse.objects.filter(pk=response.pk, answered_at__isnull=True).delete()
        raise
    with transaction.atomic():
        interaction_record(
            customer=customer,
            channel="email",
            direction="out",
            summary=timeline_text(gettext_noop("NPS survey sent (%(campaign)s)"), campaign=campaign.name),
            source_type="feedback.npsresponse",
            source_id=str(response.pk),
        )
    return response


def nps_campaign_run(
    *, campaign: NpsCampaign, limit: int = BATCH, now: dt.datetime | None = None, base_url: str | None = None
) -> NpsRun:
    """Send the campaign's due surveys, at most ``limit``; a run that did anything is kept with its counts."""
    now = now or timezone.now()
    run = NpsRun(campaign=campaign, ran_at=now)
    for customer_id in nps_due_customer_ids(campaign, now=now, limit=limit):
        try:
            sent = nps_send(campaign=campaign, customer_id=customer_id, now=now, base_url=base_url)
        except OSError as exc:  # the mail server is down: stop here, the next run starts again
            log.warning("NPS survey to customer %s not sent: %s", customer_id, exc.__class__.__name__)
            run.failed += 1
            break
        run.sent += sent is not None
    if run.sent or run.failed:
        run.save()
    return run


@transaction.atomic
def nps_answer(*, response: NpsResponse, score: int, comment: str | None = None) -> NpsResponse:
    """Record (or change) the 0–10 score and the "why?"; a detractor (0–6) opens one follow-up ticket."""
    if score not in range(11):
        raise ValidationError({"score": [_("Choose a score from 0 to 10.")]})
    locked = NpsResponse.objects.select_for_update().select_related("customer").get(pk=response.pk)
    first = locked.answered_at is None
    changed = locked.score != score
    locked.score = score
    locked.answered_at = timezone.now()
    new_comment = None
    if comment is not None:
        text = comment.strip()[:4000]
        new_comment = text if text and text != locked.comment else None
        locked.comment = text
        locked.sentiment_label, locked.sentiment_score, _lang = text_sentiment(text)
    if score <= DETRACTOR_MAX and locked.follow_up_ticket_id is None:
        follow_up, _m = ticket_open(
            customer=locked.customer,
            type=Ticket.Type.COMPLAINT,
            priority=Ticket.Priority.NORMAL,
            channel="web",
            language=locked.language,
            subject=timeline_text(gettext_noop("Would not recommend us (NPS %(score)s/10)"), score=score),
            mail=InboundMail(body_text=locked.comment or timeline_text(gettext_noop("No comment given."))),
        )
        locked.follow_up_ticket = follow_up
    elif new_comment and (follow_up_ticket := locked.follow_up_ticket) is not None:
        # The "why?" usually comes after the click that opened the ticket: the team sees it there too.
        note_add(
            ticket=follow_up_ticket,
            by=None,  # type: ignore[arg-type]  # the customer, not a user
            body_text=timeline_text(
                gettext_noop("The customer's comment in the NPS survey: %(comment)s"), comment=new_comment
            ),
        )
    locked.save()
    if first or changed or new_comment:
        interaction_record(
            customer=locked.customer,
            channel="web",
            direction="in",
            summary=timeline_text(gettext_noop("NPS answer: %(score)s/10"), score=score),
            body=locked.comment,
            source_type="feedback.npsresponse",
            source_id=str(locked.pk),
        )
    told = {
        "kind": "nps",
        "customer_id": locked.customer_id,
        "object_id": locked.pk,
        "score": score,
        "is_compliment": score >= 9,
    }
    transaction.on_commit(lambda: [hook(**told) for hook in contributions("FEEDBACK_RECEIVED")])
    return locked
