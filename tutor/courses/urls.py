from django.urls import path

from tutor.content.views import course_policy_view
from tutor.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.course_list_view, name="list"),
    # Before <slug>/: a course cannot be called "join" or "new".
    path("join/", views.join_view, name="join"),
    path("new/", views.create_course_view, name="create"),
    path("<slug:slug>/", views.course_detail_view, name="detail"),
    path("<slug:slug>/students/add/", views.add_students_view, name="add-students"),
    path(
        "<slug:slug>/students/<int:student_id>/reset-password/",
        views.reset_password_view,
        name="reset-password",
    ),
    path("<slug:slug>/exam-mode/", views.exam_mode_view, name="exam-mode"),
    path("<slug:slug>/live/", views.live_view, name="live"),
    path("<slug:slug>/policy/", course_policy_view, name="policy"),
    path("<slug:slug>/assignments/", views.assignments_view, name="assignments"),
]
