"""Launches and runs at the same moment on separate PostgreSQL connections: a campaign starts once
however many press "launch" together, and two workers running it at once still send each customer one
email (the keyed claims decide who sends)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from pelatis.engagement.models import Campaign, MessageTemplate, Segment, Send, TemplateVersion
from pelatis.engagement.services.campaign_run import campaign_run
from pelatis.engagement.services.campaigns import CampaignInput, campaign_create, campaign_launch
from pelatis.privacy.services import consent_record

from .journey_fixtures import person

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent connections: CI runs it on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings: Any) -> None:
    settings.PELATIS_QUIET_HOURS = "off"


def _together(work: Callable[[], object], times: int) -> list[object]:
    """``times`` threads, each on its own connection, run ``work`` at once; what each returned."""
    start = threading.Barrier(times, timeout=20)
    outcomes: list[object] = []
    guard = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            outcome: object = work()
        except Exception as exc:  # anything unexpected is an outcome the test must show
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a launcher hung"
    return outcomes


def _campaign(customers: int) -> Campaign:
    for i in range(customers):
        customer = person("Νίκος", f"Παππάς {i}", f"nikos{i}@example.gr")
        consent_record(customer=customer, purpose="marketing", channel="email", granted=True, source="form")
    template = MessageTemplate.objects.create(name="Προσφορά", purpose="marketing")
    TemplateVersion.objects.create(template=template, language="el", subject="Προσφορά", body="Γεια σας!")
    segment = Segment.objects.create(name="Όλοι", definition={"op": "and", "rules": []})
    return campaign_create(data=CampaignInput(name="Προσφορά", segment=segment, template=template))


def test_four_launches_at_once_start_the_campaign_once(smtp_server: Any) -> None:
    campaign = _campaign(6)
    outcomes = _together(lambda: campaign_launch(campaign_id=campaign.pk), 4)
    assert sorted(outcomes, key=str) == [False, False, False, True]
    assert len(smtp_server.messages) == 6
    assert len({str(m["To"]) for m in smtp_server.messages}) == 6
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE


def test_two_workers_running_one_campaign_send_each_email_once(smtp_server: Any) -> None:
    campaign = _campaign(10)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING, started_at=timezone.now())
    _together(lambda: campaign_run(campaign_id=campaign.pk), 2)
    assert sorted(str(m["To"]) for m in smtp_server.messages) == sorted(
        f"nikos{i}@example.gr" for i in range(10)
    )
    assert Send.objects.filter(campaign=campaign, status="sent").count() == 10
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE
