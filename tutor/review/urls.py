"""Mounted at /courses/<slug>/review/ by tutor/urls.py."""

from django.urls import path

from tutor.review import views

app_name = "review"

urlpatterns = [
    path("", views.review_list_view, name="list"),
    path("<int:submission_id>/", views.review_submission_view, name="submission"),
    path("<int:submission_id>/comments/", views.add_comment_view, name="add-comment"),
    path(
        "<int:submission_id>/comments/<int:comment_id>/delete/",
        views.delete_comment_view,
        name="delete-comment",
    ),
    path("<int:submission_id>/reviewed/", views.mark_reviewed_view, name="mark-reviewed"),
]
