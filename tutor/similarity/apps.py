from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "tutor.similarity"
    label = "similarity"
    verbose_name = "Similarity reports"
