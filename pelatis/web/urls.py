from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from . import account_login, health, metrics, onboarding, status

urlpatterns = [
    # Two steps: the password, then a code for users with two-factor log-in (pelatis.web.account_login;
    # the code step is "account:login_code").
    path("login/", account_login.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("pelatis.web.account_urls")),
    path("start/", onboarding.landing_view, name="landing"),
    path("getting-started/", onboarding.getting_started_view, name="getting_started"),
    path("getting-started/dismiss/", onboarding.getting_started_dismiss_view, name="getting_started_dismiss"),
    path("status/", status.status_view, name="status"),
    path("healthz", health.healthz_view, name="healthz"),
    path("readyz", health.readyz_view, name="readyz"),
    # Prometheus metrics: an allow-listed address or the bearer token, else 404 (pelatis.web.metrics).
    path("metrics", metrics.metrics_view, name="metrics"),
    # The business's details (admins), reversed as "web:business".
    path("settings/business/", include(("pelatis.web.business_urls", "web"))),
    path("", RedirectView.as_view(pattern_name="customers:list", permanent=False), name="home"),
]
