from django.urls import path

from exercises import views
from tutor.workspace import views as workspace_views

app_name = "exercises"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("<slug:slug>/", workspace_views.workspace, name="detail"),
    path("<slug:slug>/draft/", workspace_views.save_draft_view, name="draft"),
]
