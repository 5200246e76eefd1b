"""The data migrations carry frozen copies of what they need, never the live code: these tests show that
each copy still does what the live code does today, so an upgrade through them gives the database a fresh
install gives. When the live code changes on purpose, the copy stays, and this test says so."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from types import ModuleType

from django.apps import apps as django_apps
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.helpdesk import default_data, search
from pelatis.helpdesk.calendar.business import always_open
from pelatis.helpdesk.calendar.pauses import elapsed_with_pauses
from pelatis.helpdesk.defaults import defaults_ensure
from pelatis.helpdesk.models import Calendar, CannedReply, SlaPolicy
from pelatis.helpdesk.services.sla import calendar_engine


def migration(name: str) -> ModuleType:
    return importlib.import_module(f"pelatis.helpdesk.migrations.{name}")


BUSINESS_MINUTES = migration("0007_ticket_business_minutes")
SEARCH = migration("0011_inbox_search_signature_names")

CALENDARS = [
    Calendar(
        time_zone="Europe/Athens",
        weekly=default_data.WEEKDAYS,
        seasons=default_data.HIGH_SEASON,
        holiday_country="GR",
    ),
    Calendar(
        time_zone="Europe/Athens",
        weekly={
            "0": [["18:00", "00:00"], ["00:00", "02:00"]],
            "2": [["00:00", "00:00"]],
            "6": [["03:00", "05:00"]],
        },
        seasons=[
            {"name": "χειμώνας", "start": [11, 15], "end": [2, 15], "hours": {"1": [["08:00", "12:00"]]}}
        ],
        closures=[
            {"start": "2026-12-24", "name": "Παραμονή", "hours": [["09:00", "14:00"]]},
            {"start": "2026-12-27", "end": "2026-12-31", "name": "Κλειστά"},
        ],
        holiday_country="GR",
    ),
    Calendar(
        time_zone="America/Santiago",
        weekly={"5": [["22:00", "00:00"]], "6": [["00:00", "01:00"]]},
        holiday_country="CL",
    ),
    Calendar(
        time_zone="Europe/Berlin",
        weekly={str(d): [["09:00", "17:00"]] for d in range(5)},
        holiday_country="DE",
        holiday_subdiv="BY",
        open_on_holidays=True,
    ),
]

moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds and attaches the zone itself
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=150, deadline=None)
@given(
    calendar=st.sampled_from([*CALENDARS, None]),
    start=moments,
    minutes=st.integers(0, 60 * 24 * 120),
    pauses=st.lists(
        st.tuples(st.integers(-3_000, 60 * 24 * 90), st.one_of(st.none(), st.integers(0, 60 * 24 * 20))),
        max_size=3,
    ),
)
def test_the_business_minutes_backfill_counts_as_the_sla_clock_does(
    calendar: Calendar | None, start: datetime, minutes: int, pauses: list[tuple[int, int | None]]
) -> None:
    end = start + timedelta(minutes=minutes)
    windows = [
        (
            start + timedelta(minutes=offset),
            None if length is None else start + timedelta(minutes=offset + length),
        )
        for offset, length in pauses
    ]
    live = elapsed_with_pauses(
        calendar_engine(calendar) if calendar is not None else always_open(), start, end, windows
    )
    frozen = BUSINESS_MINUTES.elapsed_with_pauses(BUSINESS_MINUTES._Calendar(calendar), start, end, windows)
    assert round(frozen, 2) == round(live, 2)


texts = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ ῥᾳaeiouxyzAPTHK-#12"),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(subject=texts, customer_name=texts, messages=st.lists(texts, max_size=3))
def test_the_search_backfill_builds_the_document_search_builds(
    subject: str, customer_name: str, messages: list[str]
) -> None:
    live = search.doc_of(subject=subject, customer_name=customer_name, texts=messages)
    assert SEARCH.doc_of(subject=subject, customer_name=customer_name, texts=messages) == live


def test_the_search_backfill_handles_greek_greeklish_and_mixed_scripts() -> None:
    for text in [
        "Καλησπέρα, έχετε δίκλινο με θέα; ΠΑΡΑΚΑΛΩ",
        "Ἀθῆναι ᾳ ΣΟΦΟΣ σοφός Xαρης καλημέρα ABΓ iωannhσ",
        "Straße naïve café 🙂 ﬁle İstanbul ΐ",
        "x" * 25_000,
    ]:
        assert SEARCH.doc_of(subject=text, customer_name="Γιώργος Παπαδόπουλος", texts=[text]) == (
            search.doc_of(subject=text, customer_name="Γιώργος Παπαδόπουλος", texts=[text])
        )


def _defaults() -> list[list[tuple[object, ...]]]:
    """The default rows as they are, then none left."""
    rows = [
        list(
            Calendar.objects.values_list(
                "name", "time_zone", "weekly", "seasons", "closures", "holiday_country"
            )
        ),
        list(SlaPolicy.objects.order_by("rank").values_list(*POLICY_FIELDS)),
        list(
            CannedReply.objects.order_by("name", "language").values_list("name", "language", "body", "active")
        ),
    ]
    SlaPolicy.objects.all().delete()
    Calendar.objects.all().delete()
    CannedReply.objects.all().delete()
    return rows


POLICY_FIELDS = [
    "name",
    "rank",
    "priority",
    "calendar__name",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "active",
]


def test_a_fresh_install_and_a_flushed_database_get_the_same_defaults(db: None) -> None:
    # given: what the data migrations create on a fresh install (into tables emptied first)
    _defaults()
    migration("0002_default_calendar_and_policies").create(django_apps, None)
    migration("0003_default_canned_replies").create(django_apps, None)
    installed = _defaults()

    # when: post_migrate fills the empty tables after a flush
    defaults_ensure()

    # then
    assert _defaults() == installed
    assert len(installed[0]) == 1
    assert len(installed[1]) == len(default_data.POLICIES)
    assert len(installed[2]) == len(default_data.REPLIES)
