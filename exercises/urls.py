from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("<slug:slug>/", views.exercise_detail, name="detail"),
    path("<slug:slug>/submissions/", views.create_submission, name="submit"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission"),
]
