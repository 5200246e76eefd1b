"""The staff UI of customers through Django's test client: who may see what,
forms that name the bad field, notes, merge, import/export, query counts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import pelatis.customers.exporting  # noqa: F401  (the export view loads it on use: a broken import fails here)
from pelatis.customers.models import Customer, Interaction, MergeRecord

HTMX = {"HX-Request": "true"}


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("url_name", ["customers:list", "customers:create", "customers:import"])
def test_anonymous_is_sent_to_login(client: Client, db: None, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_detail_is_sent_to_login(client: Client, papadopoulos: Customer) -> None:
    response = client.get(reverse("customers:detail", args=[papadopoulos.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url", ["/customers/", "/customers/new/", "/customers/import/", "/customers/export.csv"]
)
def test_outsider_gets_403(client_as: Any, outsider: Any, url: str) -> None:
    assert client_as(outsider).get(url).status_code == 403


def test_outsider_gets_403_on_a_customer(client_as: Any, outsider: Any, papadopoulos: Customer) -> None:
    response = client_as(outsider).get(reverse("customers:detail", args=[papadopoulos.pk]))
    assert response.status_code == 403


def test_reader_sees_list_and_page_but_no_edit(client_as: Any, reader: Any, papadopoulos: Customer) -> None:
    c = client_as(reader)
    listing = c.get(reverse("customers:list"))
    assert listing.status_code == 200
    assert "Παπαδόπουλος" in listing.content.decode()
    assert reverse("customers:create") not in listing.content.decode()
    page = c.get(reverse("customers:detail", args=[papadopoulos.pk]))
    assert page.status_code == 200
    assert reverse("customers:edit", args=[papadopoulos.pk]) not in page.content.decode()
    assert reverse("customers:note_add", args=[papadopoulos.pk]) not in page.content.decode()
    assert c.get(reverse("customers:edit", args=[papadopoulos.pk])).status_code == 403
    assert c.get(reverse("customers:create")).status_code == 403
    assert c.post(reverse("customers:note_add", args=[papadopoulos.pk]), {"body": "x"}).status_code == 403


def test_missing_customer_is_404(client_as: Any, agent: Any) -> None:
    assert client_as(agent).get(reverse("customers:detail", args=[999_999])).status_code == 404


def test_login_page_renders_and_logs_in(client: Client, agent: Any) -> None:
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "agent", "password": "s3cret-pass"})
    assert response.status_code == 302
    assert response["Location"] == reverse("landing")  # then each role's own first page


# ---------------------------------------------------------------- list and search


def test_list_shows_rows_with_phone_tags_and_language(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    html = client_as(agent).get(reverse("customers:list")).content.decode()
    assert "Γιώργος Παπαδόπουλος" in html
    assert "g.papadopoulos@example.gr" in html
    assert "+30 697 123 4567" in html  # formatted, not E.164
    assert "VIP" in html


def test_empty_list_shows_the_empty_state(client_as: Any, agent: Any) -> None:
    html = client_as(agent).get(reverse("customers:list")).content.decode()
    assert "No customers yet" in html


def test_search_finds_greeklish(
    client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    make_customer(first_name="Μαρία", last_name="Νικολάου")
    response = client_as(agent).get(reverse("customers:list"), {"q": "papadopoulos"})
    html = response.content.decode()
    assert "Παπαδόπουλος" in html
    assert "Νικολάου" not in html


def test_htmx_search_returns_only_the_results(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    response = client_as(agent).get(reverse("customers:list"), {"q": "papadopoulos"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Παπαδόπουλος" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_search_without_match_says_so(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    html = client_as(agent).get(reverse("customers:list"), {"q": "zzzzqqq"}, headers=HTMX).content.decode()
    assert "No customer matches" in html


def test_filter_by_tag_and_type(
    client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    make_customer(first_name="Μαρία", last_name="Νικολάου", tags=["Newsletter"])
    make_customer(kind="company", company_name="Αιγαίο ΑΕ")
    c = client_as(agent)
    vip = papadopoulos.tags.get().pk
    html = c.get(reverse("customers:list"), {"tag": vip}).content.decode()
    assert "Παπαδόπουλος" in html
    assert "Νικολάου" not in html
    html = c.get(reverse("customers:list"), {"type": "company"}).content.decode()
    assert "Αιγαίο ΑΕ" in html
    assert "Παπαδόπουλος" not in html
    html = c.get(reverse("customers:list"), {"q": "papadopoulos", "type": "company"}).content.decode()
    assert "Παπαδόπουλος" not in html


def test_list_paginates(client_as: Any, agent: Any, make_customer: Any) -> None:
    for i in range(30):
        make_customer(first_name="Πελάτης", last_name=f"Αριθμός{i:02d}")
    c = client_as(agent)
    first = c.get(reverse("customers:list")).content.decode()
    second = c.get(reverse("customers:list"), {"page": 2}).content.decode()
    assert first.count('class="cust-cell"') == 25
    assert second.count('class="cust-cell"') == 5


def test_list_query_count_does_not_grow_with_rows(
    client_as: Any, agent: Any, make_customer: Any, make_order: Any, django_assert_max_num_queries: Any
) -> None:
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            make_customer(
                first_name="Όνομα",
                last_name=f"Επώνυμο{i}",
                emails=[f"p{i}@example.gr"],
                phones=[f"69700000{i:02d}"],
                tags=["VIP", f"tag{i % 3}"],
            )

    c = client_as(agent)
    add(3, 0)
    c.get(reverse("customers:list"))  # warm up session and permission caches
    with django_assert_max_num_queries(12) as few:
        assert c.get(reverse("customers:list")).status_code == 200
    add(20, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse("customers:list")).status_code == 200


# ---------------------------------------------------------------- the 360 page


def test_detail_shows_profile_orders_and_timeline(
    client_as: Any, agent: Any, papadopoulos: Customer, make_order: Any
) -> None:
    make_order(papadopoulos, "ORD-5001", total="42.50")
    html = client_as(agent).get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert "κ. Παπαδόπουλος" in html  # form of address
    assert "ORD-5001" in html
    assert "094259216" in html
    assert "+30 697 123 4567" in html
    assert 'data-channel="order"' in html
    assert 'data-channel="system"' in html  # "Customer created"


def test_detail_shows_next_name_day(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    html = client_as(agent).get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    name_day = html.split("data-name-day>", 1)[1].split("</dd>", 1)[0]
    assert "not in the calendar" not in name_day  # Γιώργος → Αγίου Γεωργίου


def test_timeline_loads_more(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    from pelatis.customers.services import note_add

    for i in range(25):
        note_add(customer=papadopoulos, body=f"Σημείωση {i}", by=agent)
    c = client_as(agent)
    page = c.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert page.count('class="tl-item') == 20
    assert "Load more" in page
    more = c.get(
        reverse("customers:timeline", args=[papadopoulos.pk]), {"offset": 20}, headers=HTMX
    ).content.decode()
    assert more.count('class="tl-item') == 6  # 25 notes + "Customer created"
    assert "Load more" not in more


def test_note_add_returns_the_refreshed_timeline(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    response = client_as(agent).post(
        reverse("customers:note_add", args=[papadopoulos.pk]),
        {"body": "Τηλεφώνησε για το τιμολόγιο"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline-panel"' in html
    assert "Τηλεφώνησε για το τιμολόγιο" in html
    note = Interaction.objects.get(customer=papadopoulos, channel="note")
    assert note.actor == agent


def test_empty_note_is_422_and_writes_nothing(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    before = Interaction.objects.count()
    response = client_as(agent).post(
        reverse("customers:note_add", args=[papadopoulos.pk]), {"body": "   "}, headers=HTMX
    )
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert Interaction.objects.count() == before


def test_note_without_htmx_redirects(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    response = client_as(agent).post(
        reverse("customers:note_add", args=[papadopoulos.pk]), {"body": "Χωρίς JS"}
    )
    assert response.status_code == 302
    assert Interaction.objects.filter(customer=papadopoulos, summary="Χωρίς JS").exists()


# ---------------------------------------------------------------- create and edit


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "person",
        "category": "external",
        "title": "κα",
        "first_name": "Ελένη",
        "last_name": "Κωνσταντίνου",
        "company_name": "",
        "company": "",
        "job_title": "",
        "formal": "on",
        "emails": "eleni@example.gr",
        "phones": "210 123 4567",
        "language": "el",
        "time_zone": "Europe/Athens",
        "preferred_channel": "email",
        "birthday": "",
        "vat_number": "",
        "external_ref": "",
        "tags": "Τακτικός, Newsletter",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_customer(client_as: Any, agent: Any) -> None:
    response = client_as(agent).post(reverse("customers:create"), _form())
    customer = Customer.objects.get(last_name="Κωνσταντίνου")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert list(customer.contact_points.values_list("value", flat=True)) == [
        "eleni@example.gr",
        "+302101234567",
    ]
    assert set(customer.tags.values_list("name", flat=True)) == {"Τακτικός", "Newsletter"}


def test_create_with_invalid_phone_shows_the_field_error_and_writes_nothing(
    client_as: Any, agent: Any
) -> None:
    response = client_as(agent).post(reverse("customers:create"), _form(phones="12345"))
    assert response.status_code == 422
    form = response.context["form"]
    assert "phones" in form.errors
    assert "12345" in form.errors["phones"][0]
    assert 'data-error-for="phones"' in response.content.decode()
    assert not Customer.objects.exists()


def test_create_with_bad_vat_and_no_name_names_both_fields(client_as: Any, agent: Any) -> None:
    response = client_as(agent).post(
        reverse("customers:create"), _form(first_name="", last_name="", vat_number="123")
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) >= {"last_name", "vat_number"}
    assert not Customer.objects.exists()


def test_edit_prefills_and_saves(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    c = client_as(agent)
    page = c.get(reverse("customers:edit", args=[papadopoulos.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["phones"] == "+30 697 123 4567"
    data = {**_form(), **{k: str(v or "") for k, v in page.context["form"].initial.items()}}
    data.update(formal="on", company="", notes="Νέα σημείωση προφίλ")
    response = c.post(reverse("customers:edit", args=[papadopoulos.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    papadopoulos.refresh_from_db()
    assert papadopoulos.notes == "Νέα σημείωση προφίλ"
    assert papadopoulos.contact_points.filter(kind="phone", value="+306971234567").exists()


def test_edit_duplicate_external_ref_is_shown_on_the_field(
    client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    make_customer(last_name="Άλλος", external_ref="SHOP-1")
    data = _form(first_name="Γιώργος", last_name="Παπαδόπουλος", external_ref="SHOP-1")
    response = client_as(agent).post(reverse("customers:edit", args=[papadopoulos.pk]), data)
    assert response.status_code == 422
    assert "external_ref" in response.context["form"].errors
    papadopoulos.refresh_from_db()
    assert papadopoulos.external_ref is None


# ---------------------------------------------------------------- merge


def test_merge_flow(client_as: Any, manager: Any, papadopoulos: Customer, make_customer: Any) -> None:
    dup = make_customer(first_name="Giorgos", last_name="Papadopoulos", emails=["gp@work.gr"])
    c = client_as(manager)
    page = c.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    merge_url = reverse("customers:merge", args=[papadopoulos.pk, dup.pk])
    assert merge_url in page  # the duplicates panel offers it
    confirm = c.get(merge_url)
    assert confirm.status_code == 200
    assert not MergeRecord.objects.exists()  # GET only asks
    response = c.post(merge_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[papadopoulos.pk])
    dup.refresh_from_db()
    assert dup.merged_into_id == papadopoulos.pk
    assert papadopoulos.contact_points.filter(value="gp@work.gr").exists()
    merged_page = c.get(reverse("customers:detail", args=[dup.pk])).content.decode()
    assert "data-merged" in merged_page
    assert reverse("customers:detail", args=[papadopoulos.pk]) in merged_page


def test_agent_cannot_merge(client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any) -> None:
    dup = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    c = client_as(agent)
    merge_url = reverse("customers:merge", args=[papadopoulos.pk, dup.pk])
    assert merge_url not in c.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert c.post(merge_url).status_code == 403
    dup.refresh_from_db()
    assert dup.merged_into_id is None


# ---------------------------------------------------------------- import and export


def test_agent_cannot_import_or_export(client_as: Any, agent: Any) -> None:
    c = client_as(agent)
    assert c.get(reverse("customers:import")).status_code == 403
    assert c.get(reverse("customers:export", args=["csv"])).status_code == 403


def test_import_page_renders(client_as: Any, manager: Any) -> None:
    assert client_as(manager).get(reverse("customers:import")).status_code == 200


def test_import_rejects_a_wrong_file_type(client_as: Any, manager: Any) -> None:
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "report.pdf"
    response = client_as(manager).post(reverse("customers:import"), {"file": upload, "kind": "customers"})
    assert response.status_code == 422
    assert "file" in response.context["form"].errors


@pytest.mark.parametrize(("fmt", "magic"), [("csv", "\ufeff".encode()), ("xlsx", b"PK")])
def test_export_downloads_with_a_greek_safe_name(
    client_as: Any, manager: Any, papadopoulos: Customer, fmt: str, magic: bytes
) -> None:
    response = client_as(manager).get(reverse("customers:export", args=[fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(magic)
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="pelatis-customers-')
    assert "filename*=UTF-8''" in disposition
    if fmt == "csv":
        assert "Παπαδόπουλος" in body.decode("utf-8-sig")


def test_language_switch_turns_the_ui_greek(client_as: Any, agent: Any) -> None:
    c = client_as(agent)
    assert ">Customers<" in c.get(reverse("customers:list")).content.decode()
    response = c.post(reverse("set_language"), {"language": "el", "next": reverse("customers:list")})
    assert response.status_code == 302
    html = c.get(reverse("customers:list")).content.decode()
    assert '<html lang="el">' in html
    assert ">Πελάτες<" in html


def test_export_of_search_results_holds_only_the_matches(
    client_as: Any, manager: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    make_customer(first_name="Μαρία", last_name="Νικολάου")
    response = client_as(manager).get(reverse("customers:export", args=["csv"]), {"q": "papadopoulos"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Παπαδόπουλος" in body
    assert "Νικολάου" not in body
