"""Included under courses/ (tutor/urls.py), beside tutor.courses.urls."""

from django.urls import path

from tutor.live import views

app_name = "live"

urlpatterns = [
    path("<slug:slug>/answers/", views.answers_index_view, name="answers"),
    path(
        "<slug:slug>/answers/<slug:exercise_slug>/",
        views.answers_view,
        name="exercise_answers",
    ),
    path(
        "<slug:slug>/answers/<slug:exercise_slug>/<int:answer_id>/",
        views.answer_review_view,
        name="answer_review",
    ),
]
