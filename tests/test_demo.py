from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from pelatis.customers.models import Customer, Order
from pelatis.helpdesk.models import Ticket


def test_demo_loads_a_customer_book_an_inbox_and_logins_once(db: None) -> None:
    out = io.StringIO()
    call_command("demo", "--customers", "80", stdout=out)
    assert Customer.objects.filter(last_name="Παπαδόπουλος", first_name="Γιώργος").exists()
    assert Customer.objects.count() >= 80
    assert Order.objects.exists()
    assert Ticket.objects.count() >= 5
    assert get_user_model().objects.get(username="admin").check_password("pelatis-demo")
    assert "admin / pelatis-demo" in out.getvalue()
    before = Customer.objects.count()
    call_command("demo", "--if-empty", stdout=io.StringIO())
    assert Customer.objects.count() == before
