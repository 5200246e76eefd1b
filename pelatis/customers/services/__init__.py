"""Every write to customers, orders, subscriptions and the timeline, by subject: customers (profile, tags,
the staff form's save), contact_points (emails, phones, addresses), orders (and subscriptions), merge,
timeline, derived (names and search terms).

Each public service is one transaction and keeps the search index in step. Other apps import from here.
"""

from __future__ import annotations

from .contact_points import (
    address_add,
    address_primary_set,
    contact_point_add,
    contact_point_remove,
    contact_points_primary_fill,
)
from .customers import customer_create, customer_save, customer_update, tags_named
from .derived import derived_fields_fill, display_name_of, name_key_of, search_reindex, sort_name_of
from .merge import customer_merge
from .orders import order_create, subscription_create, subscription_set_status
from .timeline import interaction_record, note_add, timeline_text

__all__ = [
    "address_add",
    "address_primary_set",
    "contact_point_add",
    "contact_point_remove",
    "contact_points_primary_fill",
    "customer_create",
    "customer_merge",
    "customer_save",
    "customer_update",
    "derived_fields_fill",
    "display_name_of",
    "interaction_record",
    "name_key_of",
    "note_add",
    "order_create",
    "search_reindex",
    "sort_name_of",
    "subscription_create",
    "subscription_set_status",
    "tags_named",
    "timeline_text",
]
