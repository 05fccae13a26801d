from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "tutor.assist"
    label = "assist"

    def ready(self) -> None:
        from tutor.assist import worker  # noqa: F401  (connects the worker's startup signal)
