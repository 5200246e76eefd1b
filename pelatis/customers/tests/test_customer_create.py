from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import ContactPoint, Customer, Interaction, SearchTerm
from pelatis.customers.services import customer_create, customer_update


def test_create_normalises_contact_points_and_fills_derived_fields(db: None) -> None:
    # when
    c = customer_create(
        data=CustomerInput(
            first_name=" Γιώργος ",
            last_name="Παπαδόπουλος",
            title="κ.",
            emails=["G.Papadopoulos@Example.GR"],
            phones=["697 123 4567", "0030 210 1234567"],
            vat_number="EL 094259216",
        )
    )
    # then
    assert c.display_name == "Γιώργος Παπαδόπουλος"
    assert c.sort_name == "παπαδοπουλοσ γιωργοσ"
    assert c.name_day_name == "Γεώργιος"
    assert c.vat_number == "094259216"
    points = list(ContactPoint.objects.filter(customer=c).values_list("kind", "value", "is_primary"))
    assert ("email", "g.papadopoulos@example.gr", True) in points
    assert ("phone", "+306971234567", True) in points
    assert ("phone", "+302101234567", False) in points
    assert Interaction.objects.filter(customer=c, channel="system").count() == 1
    assert SearchTerm.objects.filter(customer=c, term="w:παπαδοπουλοσ").exists()


def test_bad_fields_are_all_named_and_nothing_is_written(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        customer_create(
            data=CustomerInput(
                first_name="Μαρία",
                emails=["not-an-email"],
                phones=["12"],
                vat_number="094259217",
                language="greek!",
                time_zone="Mars/Base",
            )
        )
    assert set(exc.value.message_dict) == {"emails", "phones", "vat_number", "language", "time_zone"}
    assert "094259217" in exc.value.message_dict["vat_number"][0]
    assert Customer.objects.count() == 0
    assert ContactPoint.objects.count() == 0


def test_all_zero_vat_is_refused_although_its_check_digit_works(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        customer_create(data=CustomerInput(last_name="Νικολάου", vat_number="000000000"))
    assert "vat_number" in exc.value.message_dict


def test_company_needs_a_name(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        customer_create(data=CustomerInput(kind="company"))
    assert "company_name" in exc.value.message_dict


def test_external_ref_is_unique(db: None) -> None:
    customer_create(data=CustomerInput(last_name="Α", external_ref="C-1"))
    with pytest.raises(ValidationError) as exc:
        customer_create(data=CustomerInput(last_name="Β", external_ref="C-1"))
    assert "external_ref" in exc.value.message_dict
    assert Customer.objects.count() == 1


def test_internal_customer_and_company_contacts(db: None) -> None:
    company = customer_create(data=CustomerInput(kind="company", company_name="Ξενοδοχεία Κυκλάδων ΙΚΕ"))
    person = customer_create(
        data=CustomerInput(first_name="Άννα", last_name="Σταύρου", company_id=company.pk)
    )
    dept = customer_create(
        data=CustomerInput(category="internal", first_name="Τμήμα", last_name="Λογιστηρίου")
    )
    assert list(company.contacts.all()) == [person]
    assert dept.category == Customer.Category.INTERNAL
    # the company's name finds its people too
    assert SearchTerm.objects.filter(customer=person, term="w:ξενοδοχεια").exists()


def test_update_replaces_contact_points_and_reindexes(papadopoulos: Customer) -> None:
    data = CustomerInput(
        first_name="Γιώργος", last_name="Παπαδόπουλος-Smith", emails=["new@example.gr"], phones=[]
    )
    customer_update(customer=papadopoulos, data=data)
    values = set(ContactPoint.objects.filter(customer=papadopoulos).values_list("value", flat=True))
    assert values == {"new@example.gr"}
    terms = set(SearchTerm.objects.filter(customer=papadopoulos).values_list("term", flat=True))
    assert "e:new@example.gr" in terms
    assert "e:g.papadopoulos@example.gr" not in terms
    assert "w:smith" in terms
    assert Interaction.objects.filter(customer=papadopoulos, summary__startswith="Profile updated").exists()


def test_update_with_a_bad_field_changes_nothing(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError):
        customer_update(
            customer=papadopoulos, data=CustomerInput(first_name="Άλλος", last_name="Χ", phones=["abc"])
        )
    papadopoulos.refresh_from_db()
    assert papadopoulos.first_name == "Γιώργος"
    assert ContactPoint.objects.filter(customer=papadopoulos, kind="email").exists()


def test_tags_differing_only_in_case_or_accents_are_one_tag(db: None) -> None:
    from pelatis.customers.models import Tag

    a = customer_create(data=CustomerInput(last_name="Α", tags=["Τακτικός"]))
    b = customer_create(data=CustomerInput(last_name="Β", tags=["ΤΑΚΤΙΚΟΣ", "τακτικος"]))
    assert Tag.objects.count() == 1
    assert list(a.tags.all()) == list(b.tags.all())


def test_terms_written_at_create_equal_a_full_reindex(db: None) -> None:
    from pelatis.customers.services import search_reindex

    company = customer_create(data=CustomerInput(kind="company", company_name="Ξενοδοχεία Κυκλάδων ΙΚΕ"))
    c = customer_create(
        data=CustomerInput(
            first_name="Jürgen",
            last_name="Müller",
            company_id=company.pk,
            emails=["j@example.de"],
            phones=["+49 151 23456789"],
            vat_number="094259216",
            external_ref="EXT-9",
        )
    )
    at_create = set(SearchTerm.objects.filter(customer=c).values_list("term", flat=True))
    search_reindex(customer_ids=[c.pk])
    assert set(SearchTerm.objects.filter(customer=c).values_list("term", flat=True)) == at_create
    assert {"w:muller", "e:j@example.de", "v:094259216", "o:ext-9", "w:ξενοδοχεια"} <= at_create
