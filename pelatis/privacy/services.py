"""Every write of consent: one record (a customer's link, the web form, an agent, the API) or many at once
(an import). Records are only ever added; one equal to the state in force adds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.customers.models import Customer
from pelatis.customers.services import interaction_record, timeline_text

from .models import ConsentChannel, ConsentRecord, Purpose, Source
from .queries import pair_check
from .texts import BY_CHANNEL

WORDING_MAX = 4000
NOTE_MAX = 300
CHUNK = 500

_GIVEN = gettext_noop("Consent given: %(purpose)s %(channel)s")
_WITHDRAWN = gettext_noop("Consent withdrawn: %(purpose)s %(channel)s")
# Where the customer's own statement reaches us, the timeline shows it as coming from them.
_TIMELINE_CHANNEL: dict[str, str] = {Source.LINK: "web", Source.FORM: "web"}

Actor = User | AnonymousUser


def _inputs_check(*, purpose: str, channel: str, source: str, wording: str, note: str) -> None:
    errors: dict[str, list[str]] = {}
    try:
        pair_check(purpose, channel)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if source not in Source.values:
        errors["source"] = [_("Unknown source “%(value)s”.") % {"value": source}]
    if len(wording) > WORDING_MAX:
        errors["wording"] = [_("At most %(max)d characters.") % {"max": WORDING_MAX}]
    if len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(max)d characters.") % {"max": NOTE_MAX}]
    if errors:
        raise ValidationError(errors)


def _actor_id(by: Actor | None) -> int | None:
    return by.pk if by is not None and by.is_authenticated else None


def consent_summary(purpose: str, channel: str, granted: bool) -> str:
    """The timeline's line for a record, in the business's language (as every timeline entry)."""
    with translation.override(settings.LANGUAGE_CODE):
        labels = {"purpose": str(Purpose(purpose).label), "channel": str(BY_CHANNEL[ConsentChannel(channel)])}
    return timeline_text(_GIVEN if granted else _WITHDRAWN, **labels)


@transaction.atomic
def consent_record(
    *,
    customer: Customer,
    purpose: str,
    channel: str,
    granted: bool,
    source: str,
    wording: str = "",
    note: str = "",
    by: Actor | None = None,
    at: dt.datetime | None = None,
) -> ConsentRecord:
    """Record the customer's consent (or its withdrawal) to ``purpose`` on ``channel``, with the wording
    they saw or heard, and put it on their timeline. When the latest record already says the same, that
    record is returned and nothing is added (a double click, a repeated form)."""
    wording, note = (wording or "").strip(), " ".join((note or "").split())
    _inputs_check(purpose=purpose, channel=channel, source=source, wording=wording, note=note)
    # One writer per customer at a time: two clicks cannot both find "no record yet".
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    current = (
        ConsentRecord.objects.filter(customer=locked, purpose=purpose, channel=channel)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if current is not None and current.granted == bool(granted):
        return current
    now = timezone.now()
    record = ConsentRecord.objects.create(
        customer=locked,
        purpose=purpose,
        channel=channel,
        granted=bool(granted),
        source=source,
        wording=wording,
        note=note,
        recorded_by_id=_actor_id(by),
        recorded_at=at or now,
        created_at=now,
    )
    own = source in _TIMELINE_CHANNEL
    interaction_record(
        customer=locked,
        channel=_TIMELINE_CHANNEL.get(source, "system"),
        direction="in" if own else "internal",
        summary=consent_summary(purpose, channel, bool(granted)),
        body=wording,
        occurred_at=record.recorded_at,
        actor=by if isinstance(by, User) else None,
        source_type="privacy.consentrecord",
        source_id=str(record.pk),
    )
    return record


@dataclass(frozen=True)
class ConsentEntry:
    """One consent statement of a bulk write (an import's row): ``at`` is when the customer gave it
    (the source system's date; None: unknown)."""

    customer_id: int
    purpose: str
    channel: str
    granted: bool
    at: dt.datetime | None = None
    wording: str = ""
    note: str = ""


def _latest_of(customer_ids: Sequence[int]) -> dict[tuple[int, str, str], ConsentRecord]:
    """The record in force of every pair of these customers that has one, in one query per chunk."""
    found: dict[tuple[int, str, str], ConsentRecord] = {}
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
        newest = ConsentRecord.objects.filter(
            customer_id=OuterRef("customer_id"), purpose=OuterRef("purpose"), channel=OuterRef("channel")
        ).order_by("-recorded_at", "-id")
        for r in ConsentRecord.objects.filter(customer_id__in=chunk, pk=Subquery(newest.values("pk")[:1])):
            found[(r.customer_id, r.purpose, r.channel)] = r
    return found


def _history_of(customer_ids: Sequence[int], source: str) -> set[tuple[int, str, str, bool, dt.datetime]]:
    """The dated statements from ``source`` these customers already have (an older file imported again)."""
    found: set[tuple[int, str, str, bool, dt.datetime]] = set()
    for start in range(0, len(customer_ids), CHUNK):
        found.update(
            ConsentRecord.objects.filter(
                customer_id__in=customer_ids[start : start + CHUNK], source=source
            ).values_list("customer_id", "purpose", "channel", "granted", "recorded_at")
        )
    return found


@transaction.atomic
def consent_record_many(*, entries: Sequence[ConsentEntry], source: str, by: Actor | None = None) -> int:
    """Record many statements at once (an import), set-based: the records in force are read in chunks
    and the new ones inserted together; returns how many were added. Per pair, in date order:

    - a statement equal to the state in force adds nothing;
    - a dated statement older than the record in force is kept as history and changes nothing;
    - an undated grant never overrides a withdrawal the customer made through another way (a link, the
      web form, an agent): a stale file cannot re-subscribe someone who unsubscribed.

    The import's own timeline entry names the consents it brought; no entry per record here."""
    for i, e in enumerate(entries):
        try:
            _inputs_check(purpose=e.purpose, channel=e.channel, source=source, wording=e.wording, note=e.note)
        except ValidationError as exc:
            raise ValidationError({f"entries.{i}.{k}": v for k, v in exc.message_dict.items()}) from exc
    if not entries:
        return 0
    now = timezone.now()
    ids = sorted({e.customer_id for e in entries})
    for start in range(0, len(ids), CHUNK):  # in id order, so two bulk writers never deadlock
        list(Customer.objects.select_for_update().filter(pk__in=ids[start : start + CHUNK]).values_list("pk"))
    latest: dict[tuple[int, str, str], tuple[bool, dt.datetime, str]] = {
        key: (r.granted, r.recorded_at, r.source) for key, r in _latest_of(ids).items()
    }
    actor = _actor_id(by)
    history: set[tuple[int, str, str, bool, dt.datetime]] | None = None  # read when first needed
    rows: list[ConsentRecord] = []
    for e in sorted(entries, key=lambda e: (e.at or now, e.customer_id)):
        key, at = (e.customer_id, e.purpose, e.channel), e.at or now
        held = latest.get(key)
        if held is not None:
            granted, held_at, held_source = held
            if at < held_at:
                if history is None:
                    history = _history_of(ids, source)
                if (*key, e.granted, at) in history:
                    continue
                history.add((*key, e.granted, at))
            elif granted == e.granted or e.at is None and not granted and held_source != Source.IMPORT:
                continue
        rows.append(
            ConsentRecord(
                customer_id=e.customer_id,
                purpose=e.purpose,
                channel=e.channel,
                granted=e.granted,
                source=source,
                wording=e.wording.strip(),
                note=" ".join(e.note.split()),
                recorded_by_id=actor,
                recorded_at=at,
                created_at=now,
            )
        )
        if held is None or at >= held[1]:
            latest[key] = (e.granted, at, source)
    ConsentRecord.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows)


def consent_move_to_customer(survivor: Customer, merged: Customer) -> dict[str, int]:
    """Customer-merge participant: the merged customer's consent history now belongs to the survivor.
    Each pair's latest record, by date, is then in force for the survivor; nothing is rewritten."""
    return {"consent_records": ConsentRecord.objects.filter(customer=merged).update(customer=survivor)}
