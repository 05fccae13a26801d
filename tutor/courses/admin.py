from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tutor.courses.models import AccountOrigin, Course, Enrollment, ExercisePolicy
from tutor.courses.services import set_exam_mode, stop_unfinished_requests


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    raw_id_fields = ("student",)
    extra = 0


class ExercisePolicyInline(admin.TabularInline):
    model = ExercisePolicy
    raw_id_fields = ("exercise",)
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "join_code", "ai_mode", "hint_budget", "exam_mode")
    list_filter = ("exam_mode", "ai_mode")
    search_fields = ("name", "slug", "join_code")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("join_code", "created_at")
    filter_horizontal = ("instructors",)
    inlines = (EnrollmentInline, ExercisePolicyInline)
    actions = ("start_exam", "end_exam")

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.exam_mode and "exam_mode" in form.changed_data:
            # Turning exam mode on here also stops the answers under way, as the service does.
            stop_unfinished_requests(obj)

    @admin.action(description="Start exam mode (AI off, answers under way stopped)")
    def start_exam(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            set_exam_mode(course, True)
        self.message_user(request, "Exam mode is on.", messages.SUCCESS)

    @admin.action(description="End exam mode")
    def end_exam(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            set_exam_mode(course, False)
        self.message_user(request, "Exam mode is off.", messages.SUCCESS)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("course", "student", "joined_at")
    list_filter = ("course",)
    raw_id_fields = ("student",)


@admin.register(ExercisePolicy)
class ExercisePolicyAdmin(admin.ModelAdmin):
    list_display = ("course", "exercise", "ai_mode", "hint_budget")
    list_filter = ("course", "ai_mode")
    raw_id_fields = ("exercise",)


@admin.register(AccountOrigin)
class AccountOriginAdmin(admin.ModelAdmin):
    """Which course's instructors manage a student account (tutor/courses/access.py)."""

    list_display = ("account", "course", "created_at")
    search_fields = ("account__username", "course__slug")
    raw_id_fields = ("account",)
