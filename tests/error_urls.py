"""The site's URLs plus a page and an API operation that fail, for the error-page tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from pelatis.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "connection to 10.0.0.7 refused; password=hunter2"  # must never reach a browser


def failing_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


failing_api = NinjaAPI(urls_namespace="failing_api", docs_url=None)


@failing_api.get("/fails", auth=None)
def failing_operation(request: HttpRequest) -> dict[str, str]:
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("fails/", failing_page),
    path("api/v1/failing/", failing_api.urls),
    *site_urlpatterns,
]
