from django.urls import path

from tutor.assist import views

app_name = "assist"

urlpatterns = [
    path("", views.ai_log, name="log"),
    path("<int:request_id>/", views.ai_request_detail, name="detail"),
    path("<int:request_id>/flag/", views.flag_ai_request, name="flag"),
]
