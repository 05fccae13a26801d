from django.urls import path

from tutor.courses import views

app_name = "courses"

urlpatterns = [
    path("<slug:slug>/exam-mode/", views.exam_mode_view, name="exam-mode"),
]
