"""A test-only API with the feedback router mounted as the project API will mount it (/api/v1/feedback)."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from pelatis.api import TokenAuth
from pelatis.api import api as project_api
from pelatis.feedback.api import router

api = NinjaAPI(auth=TokenAuth(), urls_namespace="feedback_test_api")
for exc_class, handler in project_api._exception_handlers.items():  # the project's one error shape
    api.add_exception_handler(exc_class, handler)
api.add_router("/feedback", router)

urlpatterns = [path("api/v1/", api.urls)]
