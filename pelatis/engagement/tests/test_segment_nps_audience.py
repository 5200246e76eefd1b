"""A segment as an NPS campaign's audience (the NPS_AUDIENCES contribution): its customers now, nobody once
it is gone or broken."""

from __future__ import annotations

from typing import Any

from pelatis.customers.models import Customer
from pelatis.engagement.models import Segment
from pelatis.engagement.nps_audience import SEGMENT_AUDIENCE


def test_segment_audience(make_customer: Any) -> None:
    greek = make_customer(first_name="Ελένη", last_name="Γεωργίου")
    make_customer(first_name="John", last_name="Smith", language="en")
    segment = Segment.objects.create(
        name="Ελληνόφωνοι",
        definition={"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]},
    )
    assert SEGMENT_AUDIENCE.choices() == [(str(segment.pk), "Ελληνόφωνοι")]
    assert list(Customer.objects.filter(SEGMENT_AUDIENCE.condition(str(segment.pk)))) == [greek]
    Segment.objects.filter(pk=segment.pk).update(definition={"op": "and", "rules": [{"field": "gone.field"}]})
    assert not Customer.objects.filter(SEGMENT_AUDIENCE.condition(str(segment.pk))).exists()
    assert not Customer.objects.filter(SEGMENT_AUDIENCE.condition("999999")).exists()
    assert not Customer.objects.filter(SEGMENT_AUDIENCE.condition("x")).exists()


def test_offered_through_the_extension_point() -> None:
    from pelatis.core.hooks import contributions

    assert SEGMENT_AUDIENCE in contributions("NPS_AUDIENCES")
