from django.contrib import admin

from exercises.models import Exercise, Submission


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("order", "slug", "title", "topic", "difficulty", "is_hidden")
    list_filter = ("topic", "difficulty", "is_hidden", "source_format")
    search_fields = ("slug", "title")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("id", "student", "exercise", "kind", "status", "passed", "created_at")
    list_filter = ("kind", "status", "passed")
    raw_id_fields = ("student", "exercise")
