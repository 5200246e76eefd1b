"""Every dashboard table downloads as CSV and XLSX: for people in the page's language (Greek: ``;``,
decimal comma, mm/yyyy months, Greek headers and labels) or, with ``?format=machine``, for programs."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from pelatis.analytics.models import CustomerValue
from pelatis.analytics.services import customer_values_refresh
from pelatis.analytics.tables import CHARTS, download_table, localised
from pelatis.feedback.services import csat_answer, csat_survey_for
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send, ticket_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(make_customer: Any, open_ticket: Any, agent: Any) -> Ticket:
    """A web-form request, answered, resolved and rated 5 by Γιώργος Παπαδόπουλος; a customer with orders."""
    customer = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["giorgos@example.gr"])
    ticket: Ticket = open_ticket(customer, channel="web")
    reply_send(ticket=ticket, body_text="Καλησπέρα, ναι έχουμε.", by=agent, send_email=False)
    ticket_set_status(ticket=ticket, status=Ticket.Status.RESOLVED, by=agent)
    csat_answer(survey=csat_survey_for(ticket=Ticket.objects.get(pk=ticket.pk)), score=5)
    return ticket


@pytest.fixture
def buyers(make_customer: Any, make_order: Any) -> None:
    now = timezone.now()
    for i in range(6):
        customer = make_customer(first_name="Ζωή", last_name=f"Αλεξίου{i}", emails=[f"z{i}@example.gr"])
        for k in range(i + 1):
            make_order(customer, f"Z-{i}-{k}", total="1234.50", when=now - dt.timedelta(days=30 * k + 2))
    customer_values_refresh(fit=False)
    # Predictions as a fitted model would leave them (the fit itself is tested in test_clv).
    CustomerValue.objects.update(clv=F("revenue") * 2, p_alive=0.8765)


def greek(client: Any) -> Any:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def csv_rows(response: Any, delimiter: str) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    )


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def test_every_table_in_greek_has_semicolons_and_the_tables_greek_headers(
    client_as: Any, manager: Any, rated: Ticket, buyers: None
) -> None:
    client = greek(client_as(manager))
    for chart in CHARTS:
        rows = csv_rows(client.get(reverse("analytics:csv", args=[chart])), ";")
        with translation.override("el"):
            head, _rows = CHARTS[chart][1](
                localised(client.get(reverse("analytics:dashboard")).context["data"])
            )
        assert rows[0] == [str(h) for h in head], chart
        assert all(len(r) == len(head) for r in rows), chart


def test_feedback_table_in_greek_has_months_day_first_and_decimal_commas(
    client_as: Any, manager: Any, rated: Ticket
) -> None:
    rows = csv_rows(greek(client_as(manager)).get(reverse("analytics:csv", args=["feedback"])), ";")
    assert rows[0][:3] == ["μήνας", "CSAT %", "απαντήσεις CSAT"]
    assert [r for r in rows if r[0] == this_month().strftime("%m/%Y")][0][1:3] == ["100,0", "1"]


def test_feedback_table_for_programs_has_keys_iso_months_and_points(
    client_as: Any, manager: Any, rated: Ticket
) -> None:
    response = greek(client_as(manager)).get(
        reverse("analytics:csv", args=["feedback"]), {"format": "machine"}
    )
    rows = csv_rows(response, ",")
    assert rows[0] == ["month", "csat_pct", "csat_answered", "nps", "nps_answered"]
    assert [r for r in rows if r[0] == this_month().strftime("%Y-%m")][0][1:3] == ["100.0", "1"]


def test_coded_values_are_labels_for_people_and_keys_for_programs(
    client_as: Any, manager: Any, rated: Ticket, buyers: None
) -> None:
    client = greek(client_as(manager))
    by_channel = csv_rows(client.get(reverse("analytics:csv", args=["sla-channel"])), ";")
    assert [r[0] for r in by_channel[1:]] == ["Φόρμα / πύλη"]
    by_type = csv_rows(client.get(reverse("analytics:csv", args=["sla-type"])), ";")
    assert [r[0] for r in by_type[1:]] == ["Ερώτηση"]
    segments = csv_rows(client.get(reverse("analytics:csv", args=["segments"])), ";")
    assert segments[0][0] == "τμήμα πελατών"
    assert "Πρωταθλητές" in [r[0] for r in segments[1:]]
    assert "champions" not in [r[0] for r in segments[1:]]
    machine = csv_rows(client.get(reverse("analytics:csv", args=["sla-channel"]), {"format": "machine"}), ",")
    assert [r[0] for r in machine[1:]] == ["web"]
    machine = csv_rows(client.get(reverse("analytics:csv", args=["segments"]), {"format": "machine"}), ",")
    assert "champions" in [r[0] for r in machine[1:]]


def test_money_in_greek_has_a_decimal_comma(client_as: Any, manager: Any, buyers: None) -> None:
    rows = csv_rows(greek(client_as(manager)).get(reverse("analytics:csv", args=["top"])), ";")
    best = rows[1]
    assert best[1] == "Ζωή Αλεξίου5"
    # six orders of 1.234,50; no thousands mark, so Excel set to Greek reads each as a number
    assert (best[2], best[3], best[4]) == ("14814,00", "0,877", "7407,00")


@pytest.mark.parametrize("form", ["el", "machine"])
def test_every_table_downloads_as_xlsx_with_typed_cells(
    client_as: Any, manager: Any, rated: Ticket, buyers: None, form: str
) -> None:
    client = greek(client_as(manager))
    query = {"format": "machine"} if form == "machine" else {}
    for chart in CHARTS:
        response = client.get(reverse("analytics:xlsx", args=[chart]), query)
        assert response.status_code == 200, chart
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert ".xlsx" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.worksheets[0]
        csv_head = csv_rows(
            client.get(reverse("analytics:csv", args=[chart]), query), ";" if form == "el" else ","
        )[0]
        assert [c.value for c in sheet[1]] == csv_head, chart
    sheet = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("analytics:xlsx", args=["feedback"]), query).streaming_content)
        )
    ).worksheets[0]
    month = next(
        r
        for r in sheet.iter_rows(min_row=2)
        if isinstance(r[0].value, dt.datetime) and r[0].value.date() == this_month()
    )
    assert isinstance(month[0], Cell)  # a cell of its own, not part of a merged range
    assert month[0].is_date
    assert month[0].number_format == ("mm/yyyy" if form == "el" else "yyyy-mm")
    assert (month[1].value, month[1].number_format) == (100.0, "#,##0.0")
    assert (month[2].value, month[2].data_type) == (1, "n")
    top = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("analytics:xlsx", args=["top"]), query).streaming_content))
    ).worksheets[0]
    assert (top["E2"].value, top["E2"].number_format) == (7407.0, "#,##0.00")
    assert top["A2"].data_type == "n"


def test_download_columns_match_every_table(rated: Ticket, buyers: None) -> None:
    from pelatis.analytics.metrics.base import Filters
    from pelatis.analytics.services import dashboard_for

    data = dashboard_for(Filters.default()).data
    for chart in CHARTS:
        for machine in (True, False):
            columns, rows = download_table(chart, data, machine=machine)
            assert not [c.key for c in columns if c.key.startswith("column_")], (
                chart
            )  # every column described
            assert all(len(r) == len(columns) for r in rows), chart


def test_downloads_need_the_permission_and_a_known_table(
    client: Any, client_as: Any, agent: Any, manager: Any
) -> None:
    assert client.get(reverse("analytics:xlsx", args=["feedback"])).status_code == 302
    assert client_as(agent).get(reverse("analytics:xlsx", args=["feedback"])).status_code == 403
    assert client_as(manager).get(reverse("analytics:xlsx", args=["nope"])).status_code == 404
    response = client_as(manager).get(reverse("analytics:xlsx", args=["feedback"]), {"start": "31/12/2026"})
    assert response.status_code == 400
