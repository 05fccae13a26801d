"""Joins hidden-test hints (exercises 0005) with course ownership and versions (0005-0006)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0005_exercise_hidden_test_hints"),
        ("exercises", "0006_exercise_versions_and_regrades"),
    ]

    operations = []
