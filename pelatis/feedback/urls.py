from __future__ import annotations

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    # public: signed links and the signed webhook
    path("r/<str:token>/", views.rate_view, name="rate"),
    path("n/<str:token>/", views.nps_view, name="nps"),
    path("optout/<str:token>/", views.optout_view, name="optout"),
    path("hooks/reviews/", views.review_hook_view, name="review_hook"),
    # staff
    path("reviews/", views.reviews_view, name="reviews"),
    path("reviews/<int:pk>/", views.review_view, name="review"),
    path("reviews/<int:pk>/answer/", views.review_answer_view, name="review_answer"),
    path("reviews/<int:pk>/tone/", views.review_tone_view, name="review_tone"),
    path("nps/", views.campaigns_view, name="campaigns"),
    path("nps/new/", views.campaign_form_view, name="campaign_new"),
    path("nps/<int:pk>/", views.campaign_view, name="campaign"),
    path("nps/<int:pk>/edit/", views.campaign_form_view, name="campaign_edit"),
    path("nps/<int:pk>/run/", views.campaign_run_view, name="campaign_run"),
]
