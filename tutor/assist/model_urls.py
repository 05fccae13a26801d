from django.urls import path

from tutor.assist import model_views

app_name = "model"

urlpatterns = [
    path("", model_views.model_status_view, name="status"),
]
