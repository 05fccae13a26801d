"""{{ comment.body|comment_markdown }}: an instructor's review comment as safe HTML."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from exercises.rendering import render_markdown

register = template.Library()


@register.filter
def comment_markdown(text: str) -> SafeString:
    # Sanitised by nh3 inside render_markdown, so it is safe to mark.
    return mark_safe(render_markdown(text, line_breaks=True))  # noqa: S308
