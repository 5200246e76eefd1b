"""The user's own account pages (namespace ``account``), under /account/."""

from __future__ import annotations

from django.urls import path

from . import account_login, account_two_factor, account_views

app_name = "account"
urlpatterns = [
    path("", account_views.profile_view, name="profile"),
    path("login/code/", account_login.login_code_view, name="login_code"),
    path("sessions/<int:session_id>/end/", account_views.session_end_view, name="session_end"),
    path("sessions/end-all/", account_views.logout_everywhere_view, name="logout_everywhere"),
    path("password/", account_views.password_change_view, name="password"),
    path("tokens/", account_views.tokens_view, name="tokens"),
    path("tokens/<int:token_id>/revoke/", account_views.token_revoke_view, name="token_revoke"),
    path("two-factor/", account_two_factor.two_factor_setup_view, name="two_factor_setup"),
    path("two-factor/recovery-codes/", account_two_factor.recovery_codes_view, name="recovery_codes"),
    path("two-factor/disable/", account_two_factor.two_factor_disable_view, name="two_factor_disable"),
]
