"""The demo's loyalty programme: points per euro, bonuses, three tiers and a small rewards catalogue.

Orders earn their points through the worker after the demo commits; the worker's tier review then places
each customer in a tier.
"""

from __future__ import annotations

from decimal import Decimal

from .services.programme import programme_update, reward_save, tier_save

TIERS = [
    ("Χάλκινο", "Bronze", Decimal("0"), Decimal("0"), False, False),
    ("Ασημένιο", "Silver", Decimal("300"), Decimal("5"), True, False),
    ("Χρυσό", "Gold", Decimal("1000"), Decimal("10"), True, True),
]
REWARDS = [
    ("Δωρεάν καφές και γλυκό", "Στο μπαρ του ξενοδοχείου ή στην ταβέρνα.", 100),
    ("Μασάζ 30′ δώρο", "Στο Spa, με κράτηση μία μέρα νωρίτερα.", 400),
    ("Έκπτωση 20 € στην επόμενη διαμονή", "Ισχύει για κρατήσεις δύο νυχτών και πάνω.", 600),
]


def loyalty_demo() -> dict[str, int]:
    """Set the demo's programme rules, tiers and rewards; returns what it made."""
    programme_update(
        values={
            "points_per_euro": Decimal("1"),
            "expiry_months": 24,
            "first_purchase_bonus": 50,
            "birthday_bonus": 100,
            "name_day_bonus": 100,
            "survey_bonus": 10,
            "compliment_bonus": 20,
            "tier_basis": "spend",
            "tier_grace_days": 60,
            "expiry_warning_days": 30,
            "active": True,
        },
        multipliers={"Spa": Decimal("2")},
    )
    for name, name_en, threshold, discount, free_delivery, early_access in TIERS:
        tier_save(
            tier_id=None,
            values={
                "name": name,
                "name_en": name_en,
                "threshold": threshold,
                "discount_percent": discount,
                "free_delivery": free_delivery,
                "early_access": early_access,
                "exclusive_offers": early_access,
                "perks": "",
            },
        )
    for name, description, cost in REWARDS:
        reward_save(
            reward_id=None,
            values={
                "name": name,
                "description": description,
                "points_cost": cost,
                "stock": None,
                "active": True,
            },
        )
    return {"tiers": len(TIERS), "rewards": len(REWARDS)}
