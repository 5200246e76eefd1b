from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def support_form_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("support")
