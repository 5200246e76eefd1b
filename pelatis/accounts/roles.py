"""The four staff roles and what each may do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    group: str
    permissions: tuple[str, ...]


_VIEW = tuple(
    f"customers.view_{m}"
    for m in [
        "customer",
        "contactpoint",
        "address",
        "order",
        "orderline",
        "subscription",
        "interaction",
        "tag",
    ]
)
_VIEW += ("analytics.view_customervalue",)
_DASHBOARD = ("analytics.view_metricsnapshot",)
_LOYALTY_VIEW = (
    "loyalty.view_loyaltyaccount",
    "loyalty.view_ledgerentry",
    "loyalty.view_tier",
    "loyalty.view_reward",
)
_LOYALTY_WORK = ("loyalty.redeem_points",)
_LOYALTY_MANAGE = (
    "loyalty.adjust_points",
    "loyalty.view_loyaltyprogramme",
    "loyalty.change_loyaltyprogramme",
    "loyalty.add_tier",
    "loyalty.change_tier",
    "loyalty.delete_tier",
    "loyalty.add_reward",
    "loyalty.change_reward",
    "loyalty.delete_reward",
)
_CONSENT_VIEW = ("privacy.view_consentrecord",)
_CONSENT_WORK = ("privacy.add_consentrecord",)
# Data-subject requests: agents record them, managers handle them (status, extension, closing,
# restriction), read the audit trail and the retention runs.
_REQUESTS_VIEW = ("privacy.view_datarequest",)
_REQUESTS_WORK = ("privacy.add_datarequest",)
_PRIVACY_MANAGE = (
    "privacy.change_datarequest",
    "privacy.view_processingrestriction",
    "privacy.add_processingrestriction",
    "privacy.change_processingrestriction",
    "privacy.view_retentionrun",
    "core.view_auditevent",
)
_ENGAGEMENT_VIEW = tuple(
    f"engagement.view_{m}"
    for m in ["segment", "messagetemplate", "templateversion", "campaign", "journey", "journeystep", "send"]
)
_ENGAGEMENT_MANAGE = tuple(
    f"engagement.{verb}_{m}"
    for m in ["segment", "messagetemplate", "templateversion", "campaign", "journey", "journeystep"]
    for verb in ("add", "change", "delete")
)
_EDIT = tuple(
    f"customers.{verb}_{m}"
    for m in ["customer", "contactpoint", "address", "order", "orderline", "subscription", "interaction"]
    for verb in ("add", "change")
) + ("customers.add_tag",)
_HELPDESK_VIEW = (
    "helpdesk.view_ticket",
    "helpdesk.view_message",
    "helpdesk.view_cannedreply",
    "helpdesk.view_team",
)
_HELPDESK_WORK = ("helpdesk.add_ticket", "helpdesk.change_ticket", "helpdesk.add_message")
_HELPDESK_MANAGE = (
    "helpdesk.add_cannedreply",
    "helpdesk.change_cannedreply",
    "helpdesk.delete_cannedreply",
    "helpdesk.add_slapolicy",
    "helpdesk.change_slapolicy",
    "helpdesk.view_slapolicy",
    "helpdesk.add_calendar",
    "helpdesk.change_calendar",
    "helpdesk.view_calendar",
    "helpdesk.add_team",
    "helpdesk.change_team",
)
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

READ_ONLY = Role(
    "read-only", _VIEW + _HELPDESK_VIEW + _DASHBOARD + _LOYALTY_VIEW + _CONSENT_VIEW + _REQUESTS_VIEW
)
AGENT = Role(
    "agent",
    _VIEW
    + _EDIT
    + _HELPDESK_VIEW
    + _HELPDESK_WORK
    + _LOYALTY_VIEW
    + _LOYALTY_WORK
    + _CONSENT_VIEW
    + _CONSENT_WORK
    + _REQUESTS_VIEW
    + _REQUESTS_WORK
    + _ENGAGEMENT_VIEW,
)
MANAGER = Role(
    "manager",
    _VIEW
    + _EDIT
    + _MANAGE
    + _HELPDESK_VIEW
    + _HELPDESK_WORK
    + _HELPDESK_MANAGE
    + _DASHBOARD
    + _LOYALTY_VIEW
    + _LOYALTY_WORK
    + _LOYALTY_MANAGE
    + _CONSENT_VIEW
    + _CONSENT_WORK
    + _REQUESTS_VIEW
    + _REQUESTS_WORK
    + _PRIVACY_MANAGE
    + _ENGAGEMENT_VIEW
    + _ENGAGEMENT_MANAGE,
)
ADMIN = Role(
    "admin",
    MANAGER.permissions + ("accounts.add_apitoken", "accounts.view_apitoken", "accounts.delete_apitoken"),
)
ROLES = (ADMIN, MANAGER, AGENT, READ_ONLY)
