from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "tutor.review"
    label = "review"
    verbose_name = "Review and feedback"
