from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "tutor.courses"
    label = "courses"
    verbose_name = "Courses"
