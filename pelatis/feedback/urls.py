from __future__ import annotations

from django.urls import path

from .views import public, staff

app_name = "feedback"
urlpatterns = [
    # public: signed links and the signed webhook
    path("r/<str:token>/", public.rate_view, name="rate"),
    path("n/<str:token>/", public.nps_view, name="nps"),
    path("optout/<str:token>/", public.optout_view, name="optout"),
    path("hooks/reviews/", public.review_hook_view, name="review_hook"),
    # staff
    path("reviews/", staff.reviews_view, name="reviews"),
    path("reviews/<int:pk>/", staff.review_view, name="review"),
    path("reviews/<int:pk>/answer/", staff.review_answer_view, name="review_answer"),
    path("reviews/<int:pk>/tone/", staff.review_tone_view, name="review_tone"),
    path("nps/", staff.campaigns_view, name="campaigns"),
    path("nps/new/", staff.campaign_form_view, name="campaign_new"),
    path("nps/<int:pk>/", staff.campaign_view, name="campaign"),
    path("nps/<int:pk>/edit/", staff.campaign_form_view, name="campaign_edit"),
    path("nps/<int:pk>/run/", staff.campaign_run_view, name="campaign_run"),
]
