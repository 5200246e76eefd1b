"""What a round trip must keep of every customer: the profile, contact points, tags and addresses."""

from __future__ import annotations

from typing import Any

from pelatis.customers.models import Customer


def customer_snapshot() -> list[dict[str, Any]]:
    """Every unmerged customer as plain values, in name order (derived keys included)."""
    out = []
    for c in Customer.objects.filter(merged_into__isnull=True).order_by("sort_name", "first_name"):
        row = {
            f: getattr(c, f)
            for f in (
                "kind",
                "category",
                "first_name",
                "last_name",
                "company_name",
                "display_name",
                "job_title",
                "title",
                "formal",
                "language",
                "time_zone",
                "preferred_channel",
                "birthday",
                "name_day_name",
                "vat_number",
                "external_ref",
                "notes",
                "sort_name",
                "name_key",
            )
        }
        row["points"] = list(c.contact_points.values_list("kind", "value", "is_primary"))
        row["tags"] = sorted(c.tags.values_list("name", flat=True))
        row["addresses"] = list(c.addresses.values_list("line1", "city", "postcode", "country", "is_primary"))
        out.append(row)
    return out
