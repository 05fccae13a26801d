"""Included under courses/<slug>/similarity/ (tutor/urls.py): every similarity page is here."""

from django.urls import path

from tutor.similarity import views

app_name = "similarity"

urlpatterns = [
    path("<slug:exercise_slug>/", views.report_view, name="report"),
    path(
        "<slug:exercise_slug>/reports/<int:report_id>/pairs/<int:rank>/",
        views.pair_view,
        name="pair",
    ),
]
