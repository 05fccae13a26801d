"""The course's LMS page for its instructors, under courses/<slug>/lms/ (tutor/urls.py)."""

from django.urls import path

from tutor.lti import instructor_views

app_name = "lms"

urlpatterns = [path("", instructor_views.course_lms_view, name="course")]
