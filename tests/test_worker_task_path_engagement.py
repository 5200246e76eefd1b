"""The worker's real path for engagement, on both backends: tasks are enqueued in the database
(django-tasks-db, the shipped backend) or in Redis (RQ) and taken by `pelatis worker --once` rounds, with the periodic jobs in the same rounds; the
emails reach a real SMTP server on loopback, each once.

Task kinds: engagement's campaign_run_task (queued by a launch, or by the campaigns job for a scheduled
campaign whose time has come).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create
from pelatis.engagement.holdout import campaign_scope, is_held_out
from pelatis.engagement.models import Campaign, MessageTemplate, Segment, Send, TemplateVersion
from pelatis.engagement.services.campaigns import (
    CampaignInput,
    campaign_create,
    campaign_launch,
    campaign_schedule,
)
from pelatis.engagement.tasks import campaign_run_task
from pelatis.privacy.services import consent_record
from tests.task_path import (
    results,
    task_backend,  # noqa: F401 — the fixture, used by pytestmark
    worker_round,
    worker_until_empty,
)

# each test runs twice: tasks in the database, and tasks on RQ (a throw-away Redis)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_backend")]


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings: Any) -> None:
    settings.PELATIS_QUIET_HOURS = "off"  # the test must not depend on the clock


def _audience(n: int) -> list[Customer]:
    customers = []
    for i in range(n):
        customer = customer_create(
            data=CustomerInput(
                first_name="Δήμητρα", last_name=f"Αλεξίου {i}", emails=[f"dimitra{i}@example.gr"]
            )
        )
        consent_record(customer=customer, purpose="marketing", channel="email", granted=True, source="form")
        customers.append(customer)
    return customers


def _campaign(holdout: int) -> Campaign:
    template = MessageTemplate.objects.create(name="Νέα συλλογή", purpose="marketing")
    TemplateVersion.objects.create(
        template=template, language="el", subject="Η νέα συλλογή ήρθε", body="{{ address }}, ρίξτε μια ματιά!"
    )
    segment = Segment.objects.create(name="Όλοι", definition={"op": "and", "rules": []})
    return campaign_create(
        data=CampaignInput(name="Νέα συλλογή", segment=segment, template=template, holdout_percent=holdout)
    )


def test_a_launched_campaign_is_sent_by_the_worker_once(smtp_server: Any) -> None:
    # given: a campaign to 12 customers, a quarter held out, launched (the request only queues the task)
    customers = _audience(12)
    campaign = _campaign(holdout=25)
    held = {c.pk for c in customers if is_held_out(campaign_scope(campaign.pk), c.pk, 25)}
    assert campaign_launch(campaign_id=campaign.pk)
    assert results(campaign_run_task, campaign_id=campaign.pk) == [TaskResultStatus.READY]
    assert smtp_server.messages == []
    # when
    worker_until_empty()
    worker_round()
    # then: one email per customer outside the hold-out group, the task's row succeeded once
    recipients = sorted(str(m["To"]) for m in smtp_server.messages)
    assert recipients == sorted(f"dimitra{i}@example.gr" for i, c in enumerate(customers) if c.pk not in held)
    assert all(str(m["Subject"]) == "Η νέα συλλογή ήρθε" for m in smtp_server.messages)
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp_server.messages)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE
    assert Send.objects.filter(campaign=campaign, status="held_out").count() == len(held)
    assert results(campaign_run_task, campaign_id=campaign.pk) == [TaskResultStatus.SUCCESSFUL]


def test_a_scheduled_campaign_is_launched_by_the_worker_when_due(smtp_server: Any) -> None:
    # given: a scheduled campaign whose time has come
    _audience(3)
    campaign = _campaign(holdout=0)
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now() + dt.timedelta(minutes=5))
    campaign_schedule(campaign=Campaign.objects.get(pk=campaign.pk))
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now() - dt.timedelta(seconds=1))
    # when: the worker's campaigns job launches it and the same round runs its task
    printed = worker_until_empty()
    worker_round()
    # then
    assert "campaigns: " in printed
    assert len(smtp_server.messages) == 3
    assert len({str(m["To"]) for m in smtp_server.messages}) == 3
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE
    assert results(campaign_run_task, campaign_id=campaign.pk) == [TaskResultStatus.SUCCESSFUL]


# --- journeys: "run now" queues journey_run_task; the worker's journeys job runs them on its own ---------


def _welcome_journey(name: str) -> Any:
    from pelatis.engagement.models import Journey, JourneyStep

    template = MessageTemplate.objects.create(name=f"{name} template", purpose="marketing")
    TemplateVersion.objects.create(
        template=template, language="el", subject="Καλώς ήρθατε", body="{{ address }}, καλώς ήρθατε!"
    )
    journey = Journey.objects.create(name=name, trigger="onboarding", options={"on": "signup"}, active=True)
    JourneyStep.objects.create(journey=journey, position=1, delay_days=0, template=template)
    return journey


def test_run_now_queues_the_journey_and_the_worker_sends_it_once(smtp_server: Any) -> None:
    from pelatis.engagement.services.journeys import journey_run_now
    from pelatis.engagement.tasks import journey_run_task

    # given: three new customers who consented, and a welcome journey a manager runs now
    _audience(3)
    journey = _welcome_journey("Καλωσόρισμα")
    journey_run_now(journey=journey)
    assert results(journey_run_task, journey_id=journey.pk) == [TaskResultStatus.READY]
    # when
    worker_until_empty()
    worker_round()
    # then: one welcome each, even though the worker's journeys job ran in the same rounds
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [f"dimitra{i}@example.gr" for i in range(3)]
    assert results(journey_run_task, journey_id=journey.pk) == [TaskResultStatus.SUCCESSFUL]


def test_the_worker_runs_active_journeys_on_its_own(smtp_server: Any) -> None:
    # given: a customer who consented and a welcome journey nobody ran by hand
    _audience(1)
    _welcome_journey("Καλωσόρισμα")
    # when: two worker rounds (the journeys job is due in the first)
    out = worker_round() + worker_round()
    # then
    assert "journeys" in out
    assert [str(m["To"]) for m in smtp_server.messages] == ["dimitra0@example.gr"]
