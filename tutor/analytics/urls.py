"""Included under courses/ (tutor/urls.py), beside tutor.courses.urls."""

from django.urls import path

from tutor.analytics import views

app_name = "analytics"

urlpatterns = [
    path("<slug:slug>/analytics/", views.overview_view, name="overview"),
    path(
        "<slug:slug>/analytics/exercises/<slug:exercise_slug>/",
        views.exercise_view,
        name="exercise",
    ),
    path(
        "<slug:slug>/analytics/students/<int:student_id>/",
        views.student_view,
        name="student",
    ),
    path("<slug:slug>/gradebook/", views.gradebook_view, name="gradebook"),
    path(
        "<slug:slug>/analytics/exercises/<slug:exercise_slug>/regrade/",
        views.regrade_view,
        name="regrade",
    ),
    path(
        "<slug:slug>/regrades/<int:regrade_id>/",
        views.regrade_progress_view,
        name="regrade-progress",
    ),
]
