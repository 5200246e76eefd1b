"""The REST API under /api/v1/: bearer tokens, one error shape, the app routers.

Every error answer is ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`` (``pelatis.core.apischema.Error``)
and each operation documents the statuses it can answer; who may call what is in docs/api-roles.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from pelatis.accounts.scopes import scope_limit, scope_refusal
from pelatis.accounts.services import token_authenticate
from pelatis.analytics.api import router as analytics_router
from pelatis.core.ratelimit import over_limit
from pelatis.customers.api import router as customers_router
from pelatis.engagement.api import router as engagement_router
from pelatis.feedback.api import router as feedback_router
from pelatis.helpdesk.api import router as helpdesk_router
from pelatis.loyalty.api import router as loyalty_router
from pelatis.privacy.api import router as privacy_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pel_…``; enforces the per-token rate limit and the token's scope
    (``pelatis.accounts.scopes``): a revoked or expired token is 401, a read token that tries to
    write is 403."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        found = token_authenticate(token, ip=request.META.get("REMOTE_ADDR"))
        if found is None:
            return None
        if over_limit(f"api:{found.pk}", limit=settings.PELATIS_API_RATE_PER_MINUTE, window=60):
            raise HttpError(429, "Too many requests: slow down and retry in a minute.")
        refusal = scope_refusal(found.scope, request.method or "")
        if refusal is not None:
            raise HttpError(403, refusal)
        request.user = scope_limit(found.user, found.scope)
        return found


class LocalSwagger(Swagger):
    """Swagger UI from the npm package swagger-ui-dist, served with the static files: the docs work
    offline and load nothing from a CDN."""

    template = "web/api_docs.html"

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None, "tryItOutEnabled": False})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": config})


api = NinjaAPI(
    title="Pelatis API",
    version="1",
    description="Customers, orders, subscriptions, the interaction timeline, tickets and the dashboard's metrics. "
    "Authenticate with `Authorization: Bearer <token>` (create one with `pelatis token create USER`).",
    auth=TokenAuth(),
    urls_namespace="api",
    docs=LocalSwagger(),
)


# The ``type`` of an error item by status, for errors that are not about one field.
ERROR_TYPES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    413: "too_large",
    429: "rate_limited",
}


def _error(request: HttpRequest, status: int, detail: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail: list[dict[str, Any]] = [
            {"loc": ["body", field], "msg": str(message), "type": "value_error"}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": str(m), "type": "value_error"} for m in exc.messages]
    return _error(request, 422, detail)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(
        request,
        403,
        [{"loc": [], "msg": "You do not have permission to do this.", "type": "permission_denied"}],
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, [{"loc": ["path"], "msg": "Not found.", "type": "not_found"}])


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own errors (an unparsable body: 400; the rate limit: 429) in the shape of every other error.
    kind = ERROR_TYPES.get(exc.status_code, "error")
    return _error(request, exc.status_code, [{"loc": [], "msg": str(exc), "type": kind}])


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        401,
        [
            {
                "loc": ["header", "Authorization"],
                "msg": "A valid bearer token is required.",
                "type": "not_authenticated",
            }
        ],
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("/", customers_router)
api.add_router("/", helpdesk_router)
api.add_router("/", analytics_router)
api.add_router("/feedback", feedback_router)
api.add_router("/loyalty", loyalty_router)
api.add_router("/", privacy_router)
api.add_router("/", engagement_router)
