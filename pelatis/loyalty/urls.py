"""Loyalty pages."""

from __future__ import annotations

from django.urls import path

from .views import customer, programme, ticket

app_name = "loyalty"
urlpatterns = [
    path("programme/", programme.programme_view, name="programme"),
    path("programme/tiers/new/", programme.tier_form_view, name="tier_new"),
    path("programme/tiers/<int:pk>/", programme.tier_form_view, name="tier_edit"),
    path("programme/tiers/<int:pk>/delete/", programme.tier_delete_view, name="tier_delete"),
    path("programme/rewards/new/", programme.reward_form_view, name="reward_new"),
    path("programme/rewards/<int:pk>/", programme.reward_form_view, name="reward_edit"),
    path("programme/rewards/<int:pk>/active/", programme.reward_active_view, name="reward_active"),
    path("customers/<int:pk>/redeem/", customer.redeem_view, name="redeem"),
    path("customers/<int:pk>/adjust/", customer.adjust_view, name="adjust"),
    path("customers/<int:pk>/statement/", customer.statement_view, name="statement"),
    path("customers/<int:pk>/statement.pdf", customer.statement_pdf_view, name="statement_pdf"),
    path("tickets/<int:pk>/credit/", ticket.credit_view, name="credit"),
]
