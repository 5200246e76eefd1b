from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", include("pelatis.customers.urls")),
    path("tickets/", include("pelatis.helpdesk.urls")),
    path("support/", include("pelatis.channels.urls")),
    path("calls/", include("pelatis.channels.staff_urls")),
    path("outbox/", include("pelatis.channels.outbox_urls")),
    path("feedback/", include("pelatis.feedback.urls")),
    path("dashboard/", include("pelatis.analytics.urls")),
    path("engagement/", include("pelatis.engagement.urls")),
    path("loyalty/", include("pelatis.loyalty.urls")),
    path("privacy/", include("pelatis.privacy.urls")),
    path("", include("pelatis.web.urls")),
]
