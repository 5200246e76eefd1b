"""Launching and sending a campaign end to end, to a real SMTP server on loopback: each customer of the
audience gets one email, the hold-out group none (the same people on every run), a launch pressed twice
starts once, a worker killed halfway is resumed without sending anything twice, quiet hours defer."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.engagement import tasks as tasks_module
from pelatis.engagement.campaign_jobs import job_campaigns
from pelatis.engagement.holdout import campaign_scope, is_held_out
from pelatis.engagement.models import Campaign, MessageTemplate, Segment, Send, TemplateVersion
from pelatis.engagement.services import campaign_run as run_module
from pelatis.engagement.services.campaign_run import campaign_run
from pelatis.engagement.services.campaigns import (
    CampaignInput,
    campaign_cancel,
    campaign_create,
    campaign_launch,
    campaign_schedule,
)
from pelatis.privacy.services import consent_record

from .journey_fixtures import person

pytestmark = pytest.mark.django_db(transaction=True)
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


class WorkerKilled(BaseException):
    """The process dies in the middle of talking to the mail server (nothing catches it)."""


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings: Any) -> None:
    settings.PELATIS_QUIET_HOURS = "off"


def _customers(n: int, *, consent: bool = True) -> list[Customer]:
    found = []
    for i in range(n):
        customer = person("Ελένη", f"Πελάτισσα {i}", f"pelatis{i}@example.gr")
        if consent:
            consent_record(
                customer=customer, purpose="marketing", channel="email", granted=True, source="form"
            )
        found.append(customer)
    return found


def _campaign(holdout: int = 0, manager: Any = None) -> Campaign:
    template = MessageTemplate.objects.create(name="Χειμερινές προσφορές", purpose="marketing")
    TemplateVersion.objects.create(
        template=template, language="el", subject="Εκπτώσεις έως 30%", body="{{ address }}, σας περιμένουμε!"
    )
    segment = Segment.objects.create(name="Όλοι οι πελάτες", definition={"op": "and", "rules": []})
    data = CampaignInput(name="Χειμώνας", segment=segment, template=template, holdout_percent=holdout)
    return campaign_create(data=data, by=manager)


def _recipients(smtp_server: Any) -> list[str]:
    return sorted(str(m["To"]) for m in smtp_server.messages)


def _held(campaign: Campaign, customers: list[Customer]) -> set[int]:
    return {
        c.pk for c in customers if is_held_out(campaign_scope(campaign.pk), c.pk, campaign.holdout_percent)
    }


def test_launch_sends_once_to_each_customer_but_the_holdout(smtp_server: Any) -> None:
    # given: 24 customers who accept offers by email, a quarter held out
    customers = _customers(24)
    campaign = _campaign(holdout=25)
    held = _held(campaign, customers)
    assert 0 < len(held) < 24
    # when
    assert campaign_launch(campaign_id=campaign.pk)
    # then: one email each for the others, none for the hold-out group, the campaign done
    expected = sorted(f"pelatis{i}@example.gr" for i, c in enumerate(customers) if c.pk not in held)
    assert _recipients(smtp_server) == expected
    assert "Εκπτώσεις έως 30%" in str(smtp_server.messages[0]["Subject"])
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert campaign.started_at is not None
    assert campaign.finished_at is not None
    sends = Send.objects.filter(campaign=campaign)
    assert set(sends.filter(status="held_out").values_list("customer_id", flat=True)) == held
    assert sends.filter(status="sent").count() == 24 - len(held)
    assert set(sends.values_list("key", flat=True)) == {
        f"campaign:{campaign.pk}:customer:{c.pk}" for c in customers
    }
    # and a second launch (a double click, a second tab) starts nothing and sends nothing
    assert not campaign_launch(campaign_id=campaign.pk)
    assert job_campaigns() == "0 campaigns launched, 0 resumed"
    assert len(smtp_server.messages) == 24 - len(held)


def test_customers_without_marketing_consent_are_left_out(smtp_server: Any) -> None:
    allowed = _customers(3)
    _customers(2, consent=False)
    campaign = _campaign()
    assert campaign_launch(campaign_id=campaign.pk)
    assert len(smtp_server.messages) == 3
    assert Send.objects.filter(campaign=campaign).count() == len(allowed)


def test_a_worker_killed_halfway_is_resumed_and_sends_nothing_twice(
    smtp_server: Any, monkeypatch: Any
) -> None:
    # given: 30 customers, a fifth held out; the worker dies while sending the 9th email
    customers = _customers(30)
    campaign = _campaign(holdout=20)
    held = _held(campaign, customers)
    real_send = EmailMessage.send
    calls = {"n": 0}

    def dying_send(self: EmailMessage, fail_silently: bool = False) -> int:
        calls["n"] += 1
        if calls["n"] == 9:
            raise WorkerKilled
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", dying_send)
    # when: launched; the run dies after 8 emails, its 9th claimed but not sent
    assert campaign_launch(campaign_id=campaign.pk)
    assert len(smtp_server.messages) == 8
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING
    assert Send.objects.filter(campaign=campaign, status="claimed").count() == 1
    # and later: the worker is gone for good (its lease on the run and its claim have lapsed)
    monkeypatch.setattr(EmailMessage, "send", real_send)
    cache.clear()
    Send.objects.filter(status="claimed").update(claimed_at=F("claimed_at") - dt.timedelta(hours=1))
    assert job_campaigns() == "0 campaigns launched, 1 resumed"
    # then: everyone but the hold-out group has exactly one email, and the campaign is done
    expected = sorted(f"pelatis{i}@example.gr" for i, c in enumerate(customers) if c.pk not in held)
    assert _recipients(smtp_server) == expected
    assert len(set(expected)) == 30 - len(held)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE
    assert Send.objects.filter(campaign=campaign, status="sent").count() == 30 - len(held)
    # and a further resume finds nothing to do
    cache.clear()
    assert job_campaigns() == "0 campaigns launched, 0 resumed"
    assert len(smtp_server.messages) == 30 - len(held)


def test_holdout_is_the_same_people_on_a_rerun() -> None:
    customers = _customers(40, consent=False)
    first = _held(_campaign(holdout=30), customers)
    campaign = Campaign.objects.get()
    again = {c.pk for c in customers if is_held_out(campaign_scope(campaign.pk), c.pk, 30)}
    assert first == again
    assert 4 <= len(first) <= 24  # about 30 % of 40, never everyone or no one
    assert not any(is_held_out(campaign_scope(campaign.pk), c.pk, 0) for c in customers)


def test_quiet_hours_defer_a_customer_until_morning(smtp_server: Any, settings: Any) -> None:
    # given: a launched campaign whose task has not run yet, quiet hours 21:00–09:00 (Athens)
    settings.PELATIS_QUIET_HOURS = "21:00-09:00"
    _customers(2)
    campaign = _campaign()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING, started_at=timezone.now())
    night = dt.datetime.combine(timezone.localdate(), dt.time(23, 30), tzinfo=ATHENS)
    # when: the run comes at 23:30
    result = campaign_run(campaign_id=campaign.pk, now=night)
    # then: nothing sent, nothing skipped, retried when the quiet hours end
    assert (result.sent, result.deferred, result.done) == (0, 2, False)
    assert result.retry_at == dt.datetime.combine(
        night.date() + dt.timedelta(days=1), dt.time(9), tzinfo=ATHENS
    )
    assert smtp_server.messages == []
    assert not Send.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING
    # when: the next morning
    result = campaign_run(campaign_id=campaign.pk, now=night + dt.timedelta(hours=10))
    # then
    assert (result.sent, result.deferred, result.done) == (2, 0, True)
    assert len(smtp_server.messages) == 2


def test_customers_in_quiet_hours_never_hold_the_rest_back(
    smtp_server: Any, settings: Any, monkeypatch: Any
) -> None:
    # given: quiet hours around the present moment in Athens, and runs of one batch of two customers
    local = timezone.localtime(timezone.now(), ATHENS)
    start, end = local - dt.timedelta(hours=1), local + dt.timedelta(hours=2)
    settings.PELATIS_QUIET_HOURS = f"{start:%H:%M}-{end:%H:%M}"
    monkeypatch.setattr(run_module, "BATCH", 2)
    monkeypatch.setattr(run_module, "MAX_BATCHES", 1)
    runs = []
    real_run = run_module.campaign_run

    def counted(**kwargs: Any) -> Any:
        runs.append(kwargs.get("after", 0))
        return real_run(**kwargs)

    monkeypatch.setattr(tasks_module, "campaign_run", counted)
    _customers(5)
    campaign = _campaign()
    # when: launched; every customer is in their quiet hours
    assert campaign_launch(campaign_id=campaign.pk)
    # then: the chain walked the audience once, two at a time, and stopped; nothing sent, nothing lost
    assert len(runs) == 3
    assert runs[0] == 0
    assert runs == sorted(runs)
    assert smtp_server.messages == []
    assert not Send.objects.exists()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.SENDING
    assert job_campaigns() == "0 campaigns launched, 0 resumed"  # held until the quiet hours end
    # when: the quiet hours are over and the hold lapsed
    settings.PELATIS_QUIET_HOURS = "off"
    cache.clear()
    assert job_campaigns() == "0 campaigns launched, 1 resumed"
    # then
    assert len(smtp_server.messages) == 5
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE


def test_a_large_audience_goes_in_bounded_batches(smtp_server: Any) -> None:
    _customers(7)
    campaign = _campaign()
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENDING, started_at=timezone.now())
    first = campaign_run(campaign_id=campaign.pk, batches=2, batch=3)
    assert (first.sent, first.more, first.done) == (6, True, False)
    second = campaign_run(campaign_id=campaign.pk, after=first.last_pk, batches=2, batch=3)
    assert (second.sent, second.more, second.done) == (1, False, True)
    assert len(smtp_server.messages) == 7


def test_scheduled_campaign_is_launched_by_the_worker_when_due(smtp_server: Any) -> None:
    _customers(2)
    campaign = _campaign()
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now() + dt.timedelta(hours=1))
    campaign_schedule(campaign=Campaign.objects.get(pk=campaign.pk))
    assert job_campaigns() == "0 campaigns launched, 0 resumed"  # not yet
    # when: its time comes
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    assert job_campaigns() == "1 campaigns launched, 0 resumed"
    # then
    assert len(smtp_server.messages) == 2
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE


def test_a_cancelled_campaign_sends_nothing(smtp_server: Any) -> None:
    _customers(2)
    campaign = _campaign()
    assert campaign_cancel(campaign=campaign)
    assert not campaign_launch(campaign_id=campaign.pk)
    assert job_campaigns() == "0 campaigns launched, 0 resumed"
    assert smtp_server.messages == []
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CANCELLED
