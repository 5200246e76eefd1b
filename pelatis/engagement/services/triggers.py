"""Who a journey's trigger enrols now: one queryset per trigger, each row a candidate enrolment.

Every queryset carries three annotations the enrolment INSERT … SELECT reads: ``j_customer`` (the
customer id), ``j_occurrence`` (what makes this enrolment one of a kind: the first order's id, the
year of a birthday...) and ``j_anchor`` (the moment the journey's step delays count from). Nothing here
loops over customers in Python: greetings group the customers' time zones by their local date (two or
three groups at any moment) and ask the database for everyone in each group at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat

from pelatis.customers.models import Customer, Order, OrderLine, Subscription
from pelatis.helpdesk.models import Ticket
from pelatis.lang.namedays import name_day

from ..models import Journey

# How far back an event may lie and still enrol (covers a worker that was down for a while); a
# journey's options may set it ("lookback_days").
DEFAULT_LOOKBACK_DAYS = 3
SOLD = (Order.Status.PLACED, Order.Status.PAID, Order.Status.FULFILLED)


@dataclass(frozen=True)
class Candidates:
    """One INSERT's worth of candidates (greetings yield one per local date)."""

    queryset: QuerySet[Any]


def _lookback(journey: Journey) -> dt.timedelta:
    return dt.timedelta(days=int(journey.options.get("lookback_days") or DEFAULT_LOOKBACK_DAYS))


def _at(value: dt.datetime) -> Value:
    return Value(value, output_field=DateTimeField())


def _text(*parts: Any) -> Concat:
    return Concat(*parts, output_field=CharField())


def _id_text(field: str) -> Cast:
    return Cast(field, output_field=CharField())


def _customers() -> QuerySet[Customer]:
    return Customer.objects.filter(merged_into__isnull=True)


def local_dates(now: dt.datetime) -> dict[dt.date, tuple[list[str], bool]]:
    """The customers' time zones grouped by their local date at ``now``: date → (zones, includes the
    business's default zone, which also stands for unknown zone names)."""
    default = settings.TIME_ZONE
    zones = set(Customer.objects.order_by().values_list("time_zone", flat=True).distinct()) | {default}
    groups: dict[dt.date, tuple[list[str], bool]] = {}
    by_date: dict[dt.date, list[str]] = defaultdict(list)
    for name in zones:
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        by_date[now.astimezone(zone).date()].append(name)
    default_date = now.astimezone(zoneinfo.ZoneInfo(default)).date()
    for day, names in by_date.items():
        groups[day] = (sorted(names), day == default_date)
    return groups


def _zone_q(zones: list[str], with_unknown: bool, known: list[str]) -> Q:
    """Customers whose time zone is one of ``zones`` (and, for the default zone's date, those whose
    time zone is not a known zone name)."""
    q = Q(time_zone__in=zones)
    if with_unknown:
        q |= ~Q(time_zone__in=known)
    return q


def _by_local_date(now: dt.datetime) -> Iterator[tuple[dt.date, Q]]:
    groups = local_dates(now)
    known = [zone for zones, _default in groups.values() for zone in zones]
    for day, (zones, with_default) in sorted(groups.items()):
        yield day, _zone_q(zones, with_default, known)


def _greeting(journey: Journey, base: QuerySet[Customer], year: int, now: dt.datetime) -> QuerySet[Customer]:
    return base.annotate(
        j_customer=F("pk"),
        j_occurrence=Value(str(year), output_field=CharField()),
        j_anchor=_at(now),
    )


def birthday(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """Customers whose birthday is today in their own time zone (29 February counts as 28 February in
    other years); occurrence: the year."""
    for day, zone_q in _by_local_date(now):
        on_day = Q(birthday__month=day.month, birthday__day=day.day)
        if day.month == 2 and day.day == 28 and not _leap(day.year):
            on_day |= Q(birthday__month=2, birthday__day=29)
        yield Candidates(_greeting(journey, _customers().filter(zone_q, on_day), day.year, now))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def names_celebrating(names: list[str], day: dt.date) -> list[str]:
    """Of the calendar names given, those whose name day in ``day``'s year falls on ``day`` (each name's
    date computed once for the year, Easter-relative feasts included)."""
    return [name for name in names if name_day(name, day.year) == day]


def name_day_customers(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """Customers whose name day is today in their own time zone; occurrence: the year."""
    names = list(
        _customers().exclude(name_day_name="").order_by().values_list("name_day_name", flat=True).distinct()
    )
    for day, zone_q in _by_local_date(now):
        celebrating = names_celebrating(names, day)
        if celebrating:
            base = _customers().filter(zone_q, name_day_name__in=celebrating)
            yield Candidates(_greeting(journey, base, day.year, now))


def seasonal(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """Everyone (in the audience) on the journey's date, in their own time zone; occurrence: the year."""
    month, day_of_month = int(journey.options["month"]), int(journey.options["day"])
    for day, zone_q in _by_local_date(now):
        if (day.month, day.day) == (month, day_of_month):
            yield Candidates(_greeting(journey, _customers().filter(zone_q), day.year, now))


def onboarding(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """After the first purchase (occurrence: the order id) or the sign-up (occurrence: "signup")."""
    since = now - _lookback(journey)
    if journey.options.get("on", "purchase") == "signup":
        yield Candidates(
            _customers()
            .filter(created_at__gte=since, created_at__lte=now)
            .annotate(
                j_customer=F("pk"),
                j_occurrence=Value("signup", output_field=CharField()),
                j_anchor=F("created_at"),
            )
        )
        return
    first = Order.objects.filter(customer=OuterRef("customer_id"), status__in=SOLD).order_by(
        "placed_at", "id"
    )
    recent = Order.objects.filter(placed_at__gte=since, placed_at__lte=now, status__in=SOLD)
    yield Candidates(
        recent.annotate(first_id=Subquery(first.values("pk")[:1]))
        .filter(pk=F("first_id"), customer__merged_into__isnull=True)
        .annotate(j_customer=F("customer_id"), j_occurrence=_id_text("pk"), j_anchor=F("placed_at"))
    )


def check_in(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """N weeks after a customer's latest purchase, or after a request of theirs was resolved
    (options: weeks, after = "purchase" | "ticket"); occurrence: "order:<id>" or "ticket:<id>"."""
    weeks = dt.timedelta(weeks=int(journey.options.get("weeks") or 1))
    until = now - weeks
    since = until - _lookback(journey)
    anchor = ExpressionWrapper(_at(now), output_field=DateTimeField())
    if journey.options.get("after", "purchase") == "ticket":
        later = Ticket.objects.filter(
            customer=OuterRef("customer_id"), resolved_at__gt=OuterRef("resolved_at")
        )
        yield Candidates(
            Ticket.objects.filter(
                resolved_at__gte=since, resolved_at__lte=until, status__in=["resolved", "closed"]
            )
            .filter(~Exists(later), customer__merged_into__isnull=True)
            .annotate(
                j_customer=F("customer_id"),
                j_occurrence=_text(Value("ticket:"), _id_text("pk")),
                j_anchor=anchor,
            )
        )
        return
    later_order = Order.objects.filter(
        customer=OuterRef("customer_id"), status__in=SOLD, placed_at__gt=OuterRef("placed_at")
    )
    yield Candidates(
        Order.objects.filter(placed_at__gte=since, placed_at__lte=until, status__in=SOLD)
        .filter(~Exists(later_order), customer__merged_into__isnull=True)
        .annotate(
            j_customer=F("customer_id"),
            j_occurrence=_text(Value("order:"), _id_text("pk")),
            j_anchor=anchor,
        )
    )


def renewal(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """Active subscriptions renewing within the next N days (options: days_before); occurrence: the
    subscription and its renewal date, so each renewal reminds once."""
    today = now.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
    horizon = today + dt.timedelta(days=int(journey.options.get("days_before") or 7))
    yield Candidates(
        Subscription.objects.filter(
            status=Subscription.Status.ACTIVE,
            renews_on__gte=today,
            renews_on__lte=horizon,
            customer__merged_into__isnull=True,
        ).annotate(
            j_customer=F("customer_id"),
            j_occurrence=_text(Value("sub:"), _id_text("pk"), Value(":"), _id_text("renews_on")),
            j_anchor=_at(now),
        )
    )


def win_back(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """Customers with no purchase for N days (options: days); without N, the audience alone decides
    (e.g. a segment of customers unlikely to come back). Occurrence: "last:<latest order id>", so a
    customer is won back once per lapse."""
    days = journey.options.get("days")
    latest = Order.objects.filter(customer=OuterRef("pk"), status__in=SOLD).order_by("-placed_at", "-id")
    buyers = _customers().annotate(last_at=Max("orders__placed_at", filter=Q(orders__status__in=SOLD)))
    if days:
        buyers = buyers.filter(last_at__lt=now - dt.timedelta(days=int(days)))
    else:
        buyers = buyers.filter(last_at__isnull=False)
    yield Candidates(
        buyers.annotate(
            j_customer=F("pk"),
            j_occurrence=_text(Value("last:"), Cast(Subquery(latest.values("pk")[:1]), CharField())),
            j_anchor=_at(now),
        )
    )


def cross_sell(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """After a purchase with a line in options.category; occurrence: "order:<id>"."""
    category = str(journey.options.get("category") or "")
    lines = OrderLine.objects.filter(order=OuterRef("pk"), category=category)
    yield Candidates(
        Order.objects.filter(
            placed_at__gte=now - _lookback(journey),
            placed_at__lte=now,
            status__in=SOLD,
            customer__merged_into__isnull=True,
        )
        .filter(Exists(lines))
        .annotate(
            j_customer=F("customer_id"),
            j_occurrence=_text(Value("order:"), _id_text("pk")),
            j_anchor=F("placed_at"),
        )
    )


TRIGGERS = {
    Journey.Trigger.ONBOARDING: onboarding,
    Journey.Trigger.CHECK_IN: check_in,
    Journey.Trigger.RENEWAL: renewal,
    Journey.Trigger.BIRTHDAY: birthday,
    Journey.Trigger.NAME_DAY: name_day_customers,
    Journey.Trigger.SEASONAL: seasonal,
    Journey.Trigger.WIN_BACK: win_back,
    Journey.Trigger.CROSS_SELL: cross_sell,
}


def candidates(journey: Journey, now: dt.datetime) -> Iterator[Candidates]:
    """The candidate enrolments of ``journey`` at ``now``."""
    yield from TRIGGERS[Journey.Trigger(journey.trigger)](journey, now)
