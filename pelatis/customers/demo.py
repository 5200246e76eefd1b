"""Deterministic, realistic demo data: a Greek business's customer book with
tourists from abroad, companies and their people, orders, subscriptions and
a timeline."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import phonenumbers
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from faker import Faker

from .inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from .models import Customer, Interaction
from .services.contact_points import address_add
from .services.customers import customer_create
from .services.orders import order_create, subscription_create
from .services.timeline import interaction_record, note_add

LOCALES = [
    ("el_GR", "el", "GR", "Europe/Athens", 70),
    ("de_DE", "de", "DE", "Europe/Berlin", 9),
    ("it_IT", "it", "IT", "Europe/Rome", 7),
    ("en_GB", "en", "GB", "Europe/London", 8),
    ("fr_FR", "fr", "FR", "Europe/Paris", 6),
]
TITLES = {
    "el": ("κ.", "κα"),
    "de": ("Herr", "Frau"),
    "it": ("Sig.", "Sig.ra"),
    "en": ("Mr", "Ms"),
    "fr": ("M.", "Mme"),
}
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
# Tags, all in Greek: what a front desk would write. "Τουρίστας" goes to guests from abroad only, "Τακτικός"
# to those with several orders.
TAG_REGULAR, TAG_TOURIST, TAG_FAMILY, TAG_NEWSLETTER, TAG_VIP, TAG_BUSINESS = (
    "Τακτικός",
    "Τουρίστας",
    "Οικογένεια",
    "Ενημερωτικό δελτίο",
    "VIP",
    "Εταιρικός",
)
# Cities with their postcode ranges and phone area codes (landlines), so an address and a number agree
# with each other and with the country.
CITIES: dict[str, list[tuple[str, str, tuple[int, int], str]]] = {
    "GR": [
        ("Αθήνα", "Αττική", (10431, 11855), "210"),
        ("Θεσσαλονίκη", "Κεντρική Μακεδονία", (54248, 56430), "2310"),
        ("Πάτρα", "Δυτική Ελλάδα", (26221, 26500), "2610"),
        ("Ηράκλειο", "Κρήτη", (71201, 71500), "2810"),
        ("Λάρισα", "Θεσσαλία", (41221, 41500), "2410"),
        ("Βόλος", "Θεσσαλία", (38221, 38446), "24210"),
        ("Ιωάννινα", "Ήπειρος", (45221, 45500), "26510"),
        ("Χανιά", "Κρήτη", (73100, 73136), "28210"),
        ("Καλαμάτα", "Πελοπόννησος", (24100, 24133), "27210"),
        ("Ρόδος", "Νότιο Αιγαίο", (85100, 85133), "22410"),
    ],
    "DE": [
        ("Berlin", "Berlin", (10115, 14199), "30"),
        ("München", "Bayern", (80331, 81929), "89"),
        ("Hamburg", "Hamburg", (20095, 22769), "40"),
        ("Köln", "Nordrhein-Westfalen", (50667, 51149), "221"),
    ],
    "IT": [
        ("Roma", "Lazio", (118, 199), "06"),
        ("Milano", "Lombardia", (20121, 20162), "02"),
        ("Bologna", "Emilia-Romagna", (40121, 40141), "051"),
    ],
    "GB": [
        ("London", "England", (0, 0), "20"),
        ("Manchester", "England", (0, 0), "161"),
        ("Edinburgh", "Scotland", (0, 0), "131"),
    ],
    "FR": [
        ("Paris", "Île-de-France", (75001, 75020), "1"),
        ("Lyon", "Auvergne-Rhône-Alpes", (69001, 69009), "4"),
        ("Marseille", "Provence-Alpes-Côte d'Azur", (13001, 13016), "4"),
    ],
}
GB_POSTCODES = {
    "London": ("SW1A", "NW3", "E14", "SE10", "W8"),
    "Manchester": ("M1", "M4", "M20"),
    "Edinburgh": ("EH1", "EH3", "EH10"),
}
# Mobile number prefixes per country (after the country code).
MOBILE_PREFIXES = {
    "GR": ("690", "693", "694", "695", "697", "698", "699"),
    "DE": ("151", "160", "170", "176"),
    "IT": ("320", "333", "340", "347", "380"),
    "GB": ("7700", "7400", "7500", "7900"),
    "FR": ("6", "7"),
}
COUNTRY_CODES = {"GR": "30", "DE": "49", "IT": "39", "GB": "44", "FR": "33"}


def male_surname_to_female(surname: str) -> str:
    """Παυλίδης → Παυλίδου, Παπαδόπουλος → Παπαδοπούλου, Ρόγγας → Ρόγγα, Κατσιμάλης → Κατσιμάλη.

    Surnames in -ου (Νικολάου, Γεωργίου) are the same for both; the accent moves as Greek does.
    """
    rules = (
        ("όπουλος", "οπούλου"),
        ("ίδης", "ίδου"),
        ("άδης", "άδου"),
        ("ούδης", "ούδη"),
        ("ίτσης", "ίτση"),
        ("άκης", "άκη"),
        ("ος", "ου"),
        ("ης", "η"),
        ("ής", "ή"),
        ("ας", "α"),
        ("άς", "ά"),
        ("ός", "ού"),
    )
    for male, female in rules:
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def demo_surname(fake: Faker, *, female: bool, greek: bool) -> str:
    """A surname in the first name's gender: Greek surnames are drawn in the male form and made female by
    Greek rules, so Λουκιανός gets Παυλίδης and Λουκία gets Παυλίδου (Faker's lists mix the two)."""
    if not greek:
        return fake.last_name()
    male = fake.last_name_male()
    return male_surname_to_female(male) if female else male


def demo_phone(rng: random.Random, country: str, *, mobile: bool, area: str) -> str:
    """A number that is valid for its country (checked with phonenumbers), in international form."""
    code = COUNTRY_CODES[country]
    for _try in range(20):
        if mobile:
            prefix = rng.choice(MOBILE_PREFIXES[country])
            length = {"GR": 10, "DE": 11, "IT": 10, "GB": 10, "FR": 9}[country]
        else:
            prefix, length = area, {"GR": 10, "DE": 10, "IT": 10, "GB": 10, "FR": 9}[country]
        national = prefix + "".join(str(rng.randrange(10)) for _ in range(max(0, length - len(prefix))))
        number = f"+{code}{national}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number
    return ""


def demo_address(rng: random.Random, fake: Faker, country: str) -> dict[str, str]:
    """A street in the country's language, a city of that country and a postcode of that city."""
    city, region, (low, high), _area = rng.choice(CITIES[country])
    number = str(rng.randint(1, 180))
    if country == "GB":
        postcode = (
            f"{rng.choice(GB_POSTCODES[city])} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
    elif country == "GR":
        code = rng.randint(low, high)
        postcode = f"{code // 100:03d} {code % 100:02d}"
    else:
        postcode = f"{rng.randint(low, high):05d}"
    street = fake.street_name()
    line1 = f"{number} {street}" if country in ("GB", "FR") else f"{street} {number}"
    return {"line1": line1, "city": city, "postcode": postcode, "region": region, "country": country}


# Reserved for examples (RFC 2606): no one receives mail there, so a demo book
# can never reach a real person, whatever SMTP server is set up later.
DEMO_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
DEMO_EMAIL_DOMAIN = DEMO_EMAIL_DOMAINS[0]
SHOWCASE: list[dict[str, Any]] = [
    {
        "first_name": "Γιώργος",
        "last_name": "Παπαδόπουλος",
        "title": "κ.",
        "emails": ["g.papadopoulos@example.com"],
        "phones": ["+30 697 123 4567"],
        "vat_number": "094259216",
        "tags": ["VIP", "Τακτικός"],
        "birthday": dt.date(1978, 3, 14),
        "notes": "Προτιμά δωμάτιο στον τελευταίο όροφο. Αλλεργία στους ξηρούς καρπούς.",
    },
    {
        "first_name": "Ελένη",
        "last_name": "Κωνσταντίνου",
        "title": "κα",
        "emails": ["eleni.k@example.org"],
        "phones": ["2101234567"],
        "tags": ["Τακτικός"],
    },
    {
        "first_name": "Χρήστος",
        "last_name": "Οικονόμου",
        "title": "κ.",
        "emails": ["xoikonomou@example.com"],
        "phones": ["6944000111"],
    },
    {
        "first_name": "Jürgen",
        "last_name": "Müller",
        "title": "Herr",
        "language": "de",
        "time_zone": "Europe/Berlin",
        "emails": ["j.mueller@example.net"],
        "phones": ["+49 151 23456789"],
        "tags": ["Τουρίστας"],
    },
]


@dataclass
class DemoSummary:
    customers: int
    orders: int
    subscriptions: int
    interactions: int


def demo_load(*, customers: int = 2000, seed: int = 2026) -> DemoSummary:
    """Create ``customers`` customers (plus a few companies) with orders, subscriptions and a timeline."""
    rng = random.Random(seed)  # noqa: S311 — made-up demo data, seeded to be the same every run
    fakers = {loc: Faker(loc) for loc, *_ in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    now = timezone.now().replace(microsecond=0)
    counts = DemoSummary(0, 0, 0, 0)
    with transaction.atomic():
        companies = []
        for name in ("Ταξιδιωτικό Γραφείο Αιγαίο ΑΕ", "Ξενοδοχεία Κυκλάδων ΙΚΕ", "Nordic Travel GmbH"):
            companies.append(
                customer_create(data=CustomerInput(kind="company", company_name=name, tags=[TAG_BUSINESS]))
            )
        customer_create(
            data=CustomerInput(
                kind="person",
                category="internal",
                first_name="Τμήμα",
                last_name="Κρατήσεων",
                job_title="Εσωτερικό τμήμα",
                emails=[f"reservations@{DEMO_EMAIL_DOMAIN}"],
            )
        )
        showcase = [customer_create(data=CustomerInput(**spec)) for spec in SHOWCASE]
        people = list(showcase)
        weights = [w for *_, w in LOCALES]
        used_emails: set[str] = set()
        order_counts: dict[int, int] = {}
        for n in range(customers - len(showcase)):
            loc, lang_code, region, tz, _w = rng.choices(LOCALES, weights=weights)[0]
            fake = fakers[loc]
            female = rng.random() < 0.5
            first = fake.first_name_female() if female else fake.first_name_male()
            last = demo_surname(fake, female=female, greek=loc == "el_GR")
            email = f"{fake.user_name()}{n}@{DEMO_EMAIL_DOMAINS[n % len(DEMO_EMAIL_DOMAINS)]}".lower()
            used_emails.add(email)
            address = demo_address(rng, fake, region)
            area = next(a for c, _r, _p, a in CITIES[region] if c == address["city"])
            phone = (
                demo_phone(rng, region, mobile=rng.random() < 0.7, area=area) if rng.random() < 0.8 else ""
            )
            n_orders = rng.choices([0, 1, 2, 3, 5, 8], weights=[25, 30, 20, 12, 8, 5])[0]
            tags = [TAG_TOURIST] if region != "GR" else []
            if n_orders >= 3:
                tags.append(TAG_REGULAR)
            if n_orders >= 5 and rng.random() < 0.3:
                tags.append(TAG_VIP)
            tags += rng.sample([TAG_FAMILY, TAG_NEWSLETTER], k=rng.choice([0, 0, 1]))
            data = CustomerInput(
                first_name=first,
                last_name=last,
                title=TITLES[lang_code][1 if female else 0],
                formal=rng.random() < 0.8,
                language=lang_code,
                time_zone=tz,
                emails=[email],
                phones=[phone] if phone else [],
                birthday=fake.date_of_birth(minimum_age=18, maximum_age=85) if rng.random() < 0.6 else None,
                company_id=rng.choice(companies).pk if rng.random() < 0.03 else None,
                tags=tags,
            )
            person = customer_create(data=data, region=region)
            address_add(customer=person, is_primary=True, **address)
            people.append(person)
            order_counts[person.pk] = n_orders
        counts.customers = len(people) + len(companies) + 1
        order_no = 10000
        for person in people:
            planned = order_counts.get(person.pk)
            if planned is None:
                planned = rng.choices([0, 1, 2, 3, 5, 8], weights=[25, 30, 20, 12, 8, 5])[0]
            for _k in range(planned):
                order_no += 1
                when = now - dt.timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
                items = rng.sample(CATALOGUE, k=rng.randint(1, 3))
                order_create(
                    customer=person,
                    data=OrderInput(
                        reference=f"ORD-{order_no}",
                        placed_at=when,
                        channel=rng.choice(["online", "reception", "phone"]),
                        lines=[
                            OrderLineInput(
                                sku=sku, name=name, category=cat, unit_price=price, quantity=rng.randint(1, 4)
                            )
                            for sku, name, cat, price in items
                        ],
                    ),
                )
                counts.orders += 1
            if rng.random() < 0.08:
                start = (now - dt.timedelta(days=rng.randint(30, 700))).date()
                subscription_create(
                    customer=person,
                    data=SubscriptionInput(
                        product=rng.choice(["Κάρτα μέλους Gold", "Newsletter Premium", "Συνδρομή Spa"]),
                        started_on=start,
                        renews_on=start + dt.timedelta(days=365 * ((now.date() - start).days // 365 + 1)),
                        price=Decimal(rng.choice(["49.00", "99.00", "19.90"])),
                    ),
                )
                counts.subscriptions += 1
            for _k in range(rng.randint(0, 3)):
                channel = rng.choice(["email", "phone", "in_person", "web"])
                interaction_record(
                    customer=person,
                    channel=channel,
                    direction=rng.choice(["in", "out"]),
                    summary=rng.choice(_SUMMARIES[person.language if person.language == "el" else "en"]),
                    occurred_at=now - dt.timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 600)),
                )
                counts.interactions += 1
        note_add(
            customer=showcase[0],
            body="Ζήτησε τιμολόγιο στο όνομα της εταιρείας για την επόμενη διαμονή.",
            by=_system_user(),
        )
    counts.interactions += Interaction.objects.count() - counts.interactions
    return counts


def _system_user() -> User | None:
    return User.objects.filter(is_superuser=True).order_by("pk").first()


_SUMMARIES = {
    "el": [
        "Ερώτηση για διαθεσιμότητα τον Αύγουστο",
        "Επιβεβαίωση κράτησης",
        "Ευχαριστήριο μήνυμα μετά τη διαμονή",
        "Αίτημα για αλλαγή ημερομηνιών",
        "Παράπονο για θόρυβο στο δωμάτιο",
        "Ερώτηση για τιμολόγιο",
        "Πληροφορίες για εκδρομή στην Ύδρα",
    ],
    "en": [
        "Question about airport transfer",
        "Booking confirmation sent",
        "Thank-you note after the stay",
        "Asked about late check-out",
        "Complaint about the Wi-Fi",
        "Request for an invoice",
    ],
}


def demo_exists() -> bool:
    return Customer.objects.exists()
