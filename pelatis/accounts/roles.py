"""The four staff roles and what each may do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    group: str
    permissions: tuple[str, ...]


_VIEW = tuple(
    f"customers.view_{m}"
    for m in ["customer", "contactpoint", "address", "order", "orderline", "subscription", "interaction", "tag"]
)
_EDIT = tuple(
    f"customers.{verb}_{m}"
    for m in ["customer", "contactpoint", "address", "order", "orderline", "subscription", "interaction"]
    for verb in ("add", "change")
) + ("customers.add_tag",)
_MANAGE = (
    "customers.delete_customer",
    "customers.delete_contactpoint",
    "customers.delete_address",
    "customers.delete_order",
    "customers.delete_subscription",
    "customers.merge_customer",
    "customers.import_customer",
    "customers.export_customer",
    "customers.change_tag",
    "customers.delete_tag",
)

READ_ONLY = Role("read-only", _VIEW)
AGENT = Role("agent", _VIEW + _EDIT)
MANAGER = Role("manager", _VIEW + _EDIT + _MANAGE)
ADMIN = Role("admin", _VIEW + _EDIT + _MANAGE + ("accounts.add_apitoken", "accounts.view_apitoken", "accounts.delete_apitoken"))
ROLES = (ADMIN, MANAGER, AGENT, READ_ONLY)
