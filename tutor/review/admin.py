from django.contrib import admin

from tutor.review.models import LineComment, ReviewMark


@admin.register(LineComment)
class LineCommentAdmin(admin.ModelAdmin):
    list_display = ("submission", "line", "author", "created_at")
    raw_id_fields = ("submission", "author")
    search_fields = ("body", "submission__student__username", "submission__exercise__slug")


@admin.register(ReviewMark)
class ReviewMarkAdmin(admin.ModelAdmin):
    list_display = ("submission", "reviewed_by", "reviewed_at")
    raw_id_fields = ("submission", "reviewed_by")
