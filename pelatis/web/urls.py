from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The business's details (admins), reversed as "web:business".
    path("settings/business/", include(("pelatis.web.business_urls", "web"))),
    path("", RedirectView.as_view(pattern_name="customers:list", permanent=False), name="home"),
]
