"""The demo's engagement: segments a hotel would keep, Greek and English templates, and journeys left
switched off (a manager looks at them, previews a greeting and switches one on)."""

from __future__ import annotations

from typing import Any

from .models import Journey
from .segments.services import segment_create
from .services.content import VersionInput, template_save
from .services.journeys import JourneyInput, StepInput, journey_save

SEGMENTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Ελληνόφωνοι με συναίνεση email",
        "Πελάτες που μιλούν ελληνικά και δέχονται νέα με email.",
        {
            "op": "and",
            "rules": [
                {"field": "customer.language", "op": "eq", "value": "el"},
                {"field": "consent.marketing", "op": "eq", "value": "email"},
            ],
        },
    ),
    (
        "Καλοί πελάτες που χάνονται",
        "Ξόδεψαν πάνω από 300 € αλλά δεν έχουν αγοράσει τους τελευταίους 6 μήνες.",
        {
            "op": "and",
            "rules": [
                {"field": "orders.spend", "op": "gt", "value": "300"},
                {"field": "orders.last_purchase", "op": "gt", "value": 180},
            ],
        },
    ),
]

TEMPLATES: list[tuple[str, str, list[VersionInput]]] = [
    (
        "Ευχές ονομαστικής εορτής",
        "marketing",
        [
            VersionInput(
                "el",
                "Χρόνια πολλά από το {{ business }}!",
                "Χρόνια πολλά, {{ address }}!\n\nΥγεία και χαρά από όλους εμάς. Για τη γιορτή προστέθηκαν "
                "πόντοι δώρο στον λογαριασμό πιστότητας: το υπόλοιπο είναι τώρα {{ points }} πόντοι.\n\n"
                "{{ business }}",
            ),
            VersionInput(
                "en",
                "Happy name day from {{ business }}!",
                "Happy name day, {{ address }}!\n\nWe wish you health and joy. For your name day we added "
                "points to your account: you now have {{ points }} points.\n\n{{ business }}",
            ),
        ],
    ),
    (
        "Ευχές γενεθλίων",
        "marketing",
        [
            VersionInput(
                "el",
                "Χρόνια πολλά, {{ address }}!",
                "Χρόνια πολλά, {{ address }}!\n\nΝα είναι μια χρονιά γεμάτη υγεία και ωραία ταξίδια. Με τις "
                "καλύτερες ευχές από όλους εμάς.\n\n{{ business }}",
            ),
            VersionInput(
                "en",
                "Happy birthday, {{ address }}!",
                "Happy birthday, {{ address }}!\n\nMay the year ahead bring you health and good journeys. "
                "Best wishes from all of us.\n\n{{ business }}",
            ),
        ],
    ),
    (
        "Πώς πήγαν όλα;",
        "marketing",
        [
            VersionInput(
                "el",
                "Πώς ήταν η επίσκεψη;",
                "{{ greeting }}\n\nΠέρασαν λίγες εβδομάδες από την τελευταία επίσκεψη. Πώς ήταν; Μια απάντηση "
                "σε αυτό το μήνυμα φτάνει σε εμάς και τη διαβάζουμε.\n\n{{ business }}",
            ),
            VersionInput(
                "en",
                "How was your stay?",
                "{{ greeting }}\n\nIt has been a few weeks since your visit. How was it? Just reply to this "
                "email: we read every answer.\n\n{{ business }}",
            ),
        ],
    ),
]


def engagement_demo() -> dict[str, int]:
    """Create the demo's segments, templates and (inactive) journeys; returns what it made."""
    segments = {
        name: segment_create(name=name, description=description, definition=definition)
        for name, description, definition in SEGMENTS
    }
    templates = {
        name: template_save(
            name=name, channel="email", purpose=purpose, fallback_language="el", versions=versions
        )
        for name, purpose, versions in TEMPLATES
    }
    journeys = [
        JourneyInput(
            name="Ονομαστική εορτή",
            trigger=Journey.Trigger.NAME_DAY,
            audience=segments["Ελληνόφωνοι με συναίνεση email"],
            bonus_points=100,
            steps=[StepInput(delay_days=0, template=templates["Ευχές ονομαστικής εορτής"])],
        ),
        JourneyInput(
            name="Γενέθλια",
            trigger=Journey.Trigger.BIRTHDAY,
            bonus_points=100,
            steps=[StepInput(delay_days=0, template=templates["Ευχές γενεθλίων"])],
        ),
        JourneyInput(
            name="Τρεις εβδομάδες μετά",
            trigger=Journey.Trigger.CHECK_IN,
            options={"weeks": 3, "after": "purchase"},
            steps=[StepInput(delay_days=0, template=templates["Πώς πήγαν όλα;"])],
        ),
    ]
    for data in journeys:
        journey_save(journey=None, data=data)
    return {"segments": len(segments), "templates": len(templates), "journeys": len(journeys)}
