"""Deterministic, realistic demo data: a Greek business's customer book with
tourists from abroad, companies and their people, orders, subscriptions and
a timeline."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from .inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from .models import Customer, Interaction
from .services import customer_create, interaction_record, note_add, order_create, subscription_create

LOCALES = [("el_GR", "el", "GR", "Europe/Athens", 70), ("de_DE", "de", "DE", "Europe/Berlin", 9),
           ("it_IT", "it", "IT", "Europe/Rome", 7), ("en_GB", "en", "GB", "Europe/London", 8),
           ("fr_FR", "fr", "FR", "Europe/Paris", 6)]
TITLES = {"el": ("κ.", "κα"), "de": ("Herr", "Frau"), "it": ("Sig.", "Sig.ra"), "en": ("Mr", "Ms"), "fr": ("M.", "Mme")}
CATALOGUE = [
    ("ROOM-DBL", "Δίκλινο δωμάτιο (νύχτα)", "Διαμονή", Decimal("85.00")),
    ("ROOM-SUI", "Σουίτα με θέα θάλασσα (νύχτα)", "Διαμονή", Decimal("160.00")),
    ("TOUR-ACR", "Ξενάγηση Ακρόπολη", "Εκδρομές", Decimal("45.00")),
    ("TOUR-BOAT", "Ημερήσια κρουαζιέρα Αίγινα–Πόρος–Ύδρα", "Εκδρομές", Decimal("110.00")),
    ("OIL-1L", "Ελαιόλαδο έξτρα παρθένο 1 λτ", "Παντοπωλείο", Decimal("12.50")),
    ("HONEY-450", "Θυμαρίσιο μέλι 450 γρ", "Παντοπωλείο", Decimal("9.80")),
    ("SPA-60", "Μασάζ 60′", "Spa", Decimal("70.00")),
    ("DIN-TAV", "Δείπνο στην ταβέρνα (άτομο)", "Εστίαση", Decimal("28.00")),
]
# Reserved for examples (RFC 2606): no one receives mail there, so a demo book
# can never reach a real person, whatever SMTP server is set up later.
DEMO_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
DEMO_EMAIL_DOMAIN = DEMO_EMAIL_DOMAINS[0]
SHOWCASE = [
    {"first_name": "Γιώργος", "last_name": "Παπαδόπουλος", "title": "κ.", "emails": ["g.papadopoulos@example.com"],
         "phones": ["+30 697 123 4567"], "vat_number": "094259216", "tags": ["VIP", "Τακτικός"], "birthday": dt.date(1978, 3, 14),
         "notes": "Προτιμά δωμάτιο στον τελευταίο όροφο. Αλλεργία στους ξηρούς καρπούς."},
    {"first_name": "Ελένη", "last_name": "Κωνσταντίνου", "title": "κα", "emails": ["eleni.k@example.org"], "phones": ["2101234567"],
         "tags": ["Τακτικός"]},
    {"first_name": "Χρήστος", "last_name": "Οικονόμου", "title": "κ.", "emails": ["xoikonomou@example.com"], "phones": ["6944000111"]},
    {"first_name": "Jürgen", "last_name": "Müller", "title": "Herr", "language": "de", "time_zone": "Europe/Berlin",
         "emails": ["j.mueller@example.net"], "phones": ["+49 151 23456789"], "tags": ["Tourist"]},
]


@dataclass
class DemoSummary:
    customers: int
    orders: int
    subscriptions: int
    interactions: int


def demo_load(*, customers: int = 2000, seed: int = 2026) -> DemoSummary:
    """Create ``customers`` customers (plus a few companies) with orders, subscriptions and a timeline."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc, *_ in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    now = timezone.now().replace(microsecond=0)
    counts = DemoSummary(0, 0, 0, 0)
    with transaction.atomic():
        companies = []
        for name in ("Ταξιδιωτικό Γραφείο Αιγαίο ΑΕ", "Ξενοδοχεία Κυκλάδων ΙΚΕ", "Nordic Travel GmbH"):
            companies.append(customer_create(data=CustomerInput(kind="company", company_name=name, tags=["B2B"])))
        customer_create(data=CustomerInput(kind="person", category="internal", first_name="Τμήμα", last_name="Κρατήσεων",
                                           job_title="Εσωτερικό τμήμα", emails=[f"reservations@{DEMO_EMAIL_DOMAIN}"]))
        showcase = [customer_create(data=CustomerInput(**spec)) for spec in SHOWCASE]
        people = list(showcase)
        weights = [w for *_, w in LOCALES]
        used_emails: set[str] = set()
        for n in range(customers - len(showcase)):
            loc, lang_code, region, tz, _w = rng.choices(LOCALES, weights=weights)[0]
            fake = fakers[loc]
            female = rng.random() < 0.5
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name_female() if female and loc == "el_GR" else fake.last_name()
            email = f"{fake.user_name()}{n}@{DEMO_EMAIL_DOMAINS[n % len(DEMO_EMAIL_DOMAINS)]}".lower()
            used_emails.add(email)
            phone = fake.phone_number() if rng.random() < 0.8 else ""
            data = CustomerInput(
                first_name=first, last_name=last, title=TITLES[lang_code][1 if female else 0],
                formal=rng.random() < 0.8, language=lang_code, time_zone=tz, emails=[email],
                phones=[phone] if phone else [],
                birthday=fake.date_of_birth(minimum_age=18, maximum_age=85) if rng.random() < 0.6 else None,
                company_id=rng.choice(companies).pk if rng.random() < 0.03 else None,
                tags=rng.sample(["Τακτικός", "Tourist", "Newsletter", "VIP", "Οικογένεια"], k=rng.randint(0, 2)),
            )
            try:
                people.append(customer_create(data=data, region=region))
            except Exception:  # a generated phone the validator rejects: keep the customer without it
                data.phones = []
                people.append(customer_create(data=data, region=region))
        counts.customers = len(people) + len(companies) + 1
        order_no = 10000
        for person in people:
            for _k in range(rng.choices([0, 1, 2, 3, 5, 8], weights=[25, 30, 20, 12, 8, 5])[0]):
                order_no += 1
                when = now - dt.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
                items = rng.sample(CATALOGUE, k=rng.randint(1, 3))
                order_create(customer=person, data=OrderInput(
                    reference=f"ORD-{order_no}", placed_at=when, channel=rng.choice(["online", "reception", "phone"]),
                    lines=[OrderLineInput(sku=sku, name=name, category=cat, unit_price=price,
                                          quantity=rng.randint(1, 4)) for sku, name, cat, price in items]))
                counts.orders += 1
            if rng.random() < 0.08:
                start = (now - dt.timedelta(days=rng.randint(30, 700))).date()
                subscription_create(customer=person, data=SubscriptionInput(
                    product=rng.choice(["Κάρτα μέλους Gold", "Newsletter Premium", "Συνδρομή Spa"]), started_on=start,
                    renews_on=start + dt.timedelta(days=365 * ((now.date() - start).days // 365 + 1)),
                    price=Decimal(rng.choice(["49.00", "99.00", "19.90"]))))
                counts.subscriptions += 1
            for _k in range(rng.randint(0, 3)):
                channel = rng.choice(["email", "phone", "in_person", "web"])
                interaction_record(customer=person, channel=channel, direction=rng.choice(["in", "out"]),
                                   summary=rng.choice(_SUMMARIES[person.language if person.language == "el" else "en"]),
                                   occurred_at=now - dt.timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 600)))
                counts.interactions += 1
        note_add(customer=showcase[0], body="Ζήτησε τιμολόγιο στο όνομα της εταιρείας για την επόμενη διαμονή.",
                 by=_system_user())
    counts.interactions += Interaction.objects.count() - counts.interactions
    return counts


def _system_user():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


_SUMMARIES = {
    "el": ["Ερώτηση για διαθεσιμότητα τον Αύγουστο", "Επιβεβαίωση κράτησης", "Ευχαριστήριο μήνυμα μετά τη διαμονή",
           "Αίτημα για αλλαγή ημερομηνιών", "Παράπονο για θόρυβο στο δωμάτιο", "Ερώτηση για τιμολόγιο",
           "Πληροφορίες για εκδρομή στην Ύδρα"],
    "en": ["Question about airport transfer", "Booking confirmation sent", "Thank-you note after the stay",
           "Asked about late check-out", "Complaint about the Wi-Fi", "Request for an invoice"],
}


def demo_exists() -> bool:
    return Customer.objects.exists()
