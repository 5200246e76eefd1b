"""The dashboard page, its CSV downloads, /api/v1/metrics, `pelatis metrics` and the 360 value card."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from pelatis.analytics.models import CustomerValue, MetricSnapshot
from pelatis.analytics.services import customer_values_refresh
from pelatis.feedback.services import csat_answer, csat_survey_for
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send, ticket_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(make_customer: Any, open_ticket: Any, agent: Any) -> Ticket:
    """A resolved ticket rated 5 by Γιώργος Παπαδόπουλος."""
    customer = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["giorgos@example.gr"])
    ticket: Ticket = open_ticket(customer)
    reply_send(ticket=ticket, body_text="Καλησπέρα, ναι έχουμε.", by=agent, send_email=False)
    ticket_set_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=agent)
    csat_answer(survey=csat_survey_for(ticket=Ticket.objects.get(pk=ticket.pk)), score=5)
    return ticket


def test_dashboard_needs_a_login_and_the_permission(
    client: Any, client_as: Any, agent: Any, rated: Ticket
) -> None:
    url = reverse("analytics:dashboard")
    assert client.get(url).status_code == 302
    assert client_as(agent).get(url).status_code == 403


def test_dashboard_shows_csat_and_charts_for_a_manager(client_as: Any, manager: Any, rated: Ticket) -> None:
    response = client_as(manager).get(reverse("analytics:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "100.0 %" in page  # one rating of 5: CSAT 100 %
    assert 'id="chart-feedback"' in page
    assert "vendor/chart.js/dist/chart.umd.min.js" in page
    assert 'id="dashboard-data"' in page


def test_dashboard_is_cached_until_recomputed(
    client_as: Any, manager: Any, rated: Ticket, open_ticket: Any, make_customer: Any
) -> None:
    client = client_as(manager)
    client.get(reverse("analytics:dashboard"))
    first = MetricSnapshot.objects.get()
    assert first.data["service"]["backlog"] == 0
    open_ticket(make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"]))
    client.get(reverse("analytics:dashboard"))
    assert MetricSnapshot.objects.get().data["service"]["backlog"] == 0  # the kept numbers
    response = client.post(reverse("analytics:refresh"))
    assert response.status_code == 302
    assert MetricSnapshot.objects.get().data["service"]["backlog"] == 1


def test_bad_filters_are_named(client_as: Any, manager: Any) -> None:
    response = client_as(manager).get(reverse("analytics:dashboard"), {"start": "31/12/2026"})
    assert response.status_code == 400
    assert "start" in response.content.decode()
    response = client_as(manager).get(reverse("analytics:dashboard"), {"segment": "vip"})
    assert response.status_code == 400
    assert "segment" in response.content.decode()


def test_every_chart_downloads_as_csv(client_as: Any, manager: Any, rated: Ticket) -> None:
    from pelatis.analytics.tables import CHARTS

    client = client_as(manager)
    for name in CHARTS:
        response = client.get(reverse("analytics:csv", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows, name
        assert rows[0], name
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("analytics:csv", args=["feedback"])).content.decode("utf-8-sig"))
        )
    )
    this_month = timezone.localdate().strftime("%Y-%m")
    assert [r for r in rows if r[0] == this_month][0][1:3] == ["100.0", "1"]
    assert client.get(reverse("analytics:csv", args=["nope"])).status_code == 404


def buying_book(make_customer: Any, make_order: Any, n: int, first_name: str = "Ζωή") -> list[Any]:
    """``n`` customers buying at their own pace for a while, some of them then lost (seeded)."""
    rng = np.random.default_rng(11)
    start = timezone.now() - dt.timedelta(days=420)
    customers = []
    for i in range(n):
        customer = make_customer(
            first_name=first_name if i else "=HYPERLINK(1)",
            last_name=f"Αλεξίου{i}",
            emails=[f"buyer{i}@example.gr"],
        )
        customers.append(customer)
        day, mean_gap, alive_for = (
            float(rng.integers(0, 120)),
            float(rng.gamma(2.0, 40.0)),
            rng.exponential(300),
        )
        k = 0
        while day < 415 and (k == 0 or day < alive_for):
            make_order(
                customer,
                f"Z-{i}-{k}",
                total=f"{rng.gamma(3.0, 15.0):.2f}",
                when=start + dt.timedelta(days=day),
            )
            day += rng.exponential(mean_gap) + 1
            k += 1
    return customers


def test_top_customers_csv_keeps_greek_names_and_defuses_formulas(
    client_as: Any, manager: Any, make_customer: Any, make_order: Any
) -> None:
    buying_book(make_customer, make_order, 80)
    run = customer_values_refresh()
    assert run.fit is not None
    body = client_as(manager).get(reverse("analytics:csv", args=["top"])).content.decode("utf-8-sig")
    assert "Ζωή Αλεξίου" in body
    assert ",=HYPERLINK" not in body


def test_api_metrics_with_filters_and_errors(api_as: Any, manager: Any, agent: Any, rated: Ticket) -> None:
    response = api_as(manager).get("/api/v1/metrics")
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["csat"]["csat_pct"] == 100.0
    assert body["data"]["service"]["resolved"] == 1
    today = timezone.localdate()
    empty = api_as(manager).get("/api/v1/metrics", start="2020-01-01", end="2020-01-31").json()
    assert empty["data"]["csat"]["answered"] == 0
    assert empty["filters"] == {"start": "2020-01-01", "end": "2020-01-31"}
    bad = api_as(manager).get("/api/v1/metrics", end=f"{today:%d/%m/%Y}")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "end"]
    assert api_as(agent).get("/api/v1/metrics").status_code == 403
    assert api_as(None).get("/api/v1/metrics").status_code == 401


def test_api_customer_value(api_as: Any, reader: Any, make_customer: Any, make_order: Any) -> None:
    customer = make_customer(first_name="Νίκος", last_name="Βασιλείου", emails=["nikos@example.gr"])
    make_order(customer, "N-1", total="40.00", when=timezone.now() - dt.timedelta(days=10))
    customer_values_refresh(fit=False)
    body = api_as(reader).get(f"/api/v1/metrics/customers/{customer.pk}").json()
    assert body["orders"] == 1
    assert body["revenue"] == 40.0
    assert body["clv"] is None
    assert body["segment"]
    assert api_as(reader).get("/api/v1/metrics/customers/999999").status_code == 404


def test_metrics_command_prints_the_summary(rated: Ticket) -> None:
    out = io.StringIO()
    call_command("metrics", stdout=out)
    text = out.getvalue()
    assert "CSAT" in text
    assert "100.0 %" in text
    out = io.StringIO()
    call_command("metrics", "--language", "el", stdout=out)
    assert "Ανταπόκριση" in out.getvalue() or "Διατήρηση" in out.getvalue()
    with pytest.raises(CommandError, match="--start"):
        call_command("metrics", "--start", "yesterday", stdout=io.StringIO())


def test_customer_page_shows_value_segment_and_prediction(
    client_as: Any, agent: Any, make_customer: Any, make_order: Any
) -> None:
    customers = buying_book(make_customer, make_order, 80, first_name="Μαρία")
    call_command("clv", "fit", stdout=io.StringIO())
    value = CustomerValue.objects.get(customer=customers[4])
    assert value.clv is not None
    assert value.p_alive is not None
    page = client_as(agent).get(reverse("customers:detail", args=[customers[4].pk])).content.decode()
    assert "data-customer-value" in page
    assert f"{round(value.p_alive * 100)} %" in page
    assert f"R{value.recency_score} F{value.frequency_score} M{value.monetary_score}" in page
    assert value.get_segment_display() in page
    nobody = make_customer(first_name="Άννα", last_name="Χωρίς", emails=["anna@example.gr"])
    page = client_as(agent).get(reverse("customers:detail", args=[nobody.pk])).content.decode()
    assert "data-customer-value" not in page  # never bought: nothing to score


def test_customer_list_filters_by_rfm_segment(
    client_as: Any, agent: Any, make_customer: Any, make_order: Any
) -> None:
    buying_book(make_customer, make_order, 30, first_name="Σοφία")
    customer_values_refresh(fit=False)
    segment = CustomerValue.objects.values_list("segment", flat=True).order_by("segment").first()

    def link(pk: int) -> str:
        return f'href="{reverse("customers:detail", args=[pk])}"'

    members = set(CustomerValue.objects.filter(segment=segment).values_list("customer_id", flat=True))
    others = set(CustomerValue.objects.exclude(segment=segment).values_list("customer_id", flat=True))
    page = client_as(agent).get(reverse("customers:list"), {"rfm": segment}).content.decode()
    assert 'name="rfm"' in page
    assert all(link(pk) in page for pk in members)
    assert not any(link(pk) in page for pk in others)
    searched = (
        client_as(agent).get(reverse("customers:list"), {"rfm": segment, "q": "Σοφία"}).content.decode()
    )
    assert any(link(pk) in searched for pk in members)
    assert not any(link(pk) in searched for pk in others)


def test_kept_numbers_speak_the_readers_language(
    client_as: Any, manager: Any, make_customer: Any, make_order: Any
) -> None:
    from django.utils import translation

    from pelatis.analytics.metrics.base import Filters
    from pelatis.analytics.services import dashboard_refresh

    buying_book(make_customer, make_order, 10)
    customer_values_refresh(fit=False)
    with translation.override("el"):  # the worker keeps the dashboard in the business's language
        dashboard_refresh(Filters.default())
    body = client_as(manager).get(reverse("analytics:csv", args=["segments"])).content.decode("utf-8-sig")
    assert "Champions" in body
    assert "Πρωταθλητές" not in body


def test_a_merge_drops_the_merged_customers_scores(make_customer: Any, make_order: Any) -> None:
    from pelatis.customers.services import customer_merge

    customers = buying_book(make_customer, make_order, 6)
    customer_values_refresh(fit=False)
    survivor, merged = customers[1], customers[2]
    record = customer_merge(survivor=survivor, merged=merged)
    assert not CustomerValue.objects.filter(customer=merged).exists()
    assert CustomerValue.objects.filter(customer=survivor).exists()
    assert record.pk is not None
    run = customer_values_refresh(fit=False)  # the next rescoring counts the moved orders for the survivor
    assert run.customers == 5
