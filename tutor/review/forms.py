from django import forms

from tutor.review.models import COMMENT_MAX_LENGTH, EMPTY_BODY


class CommentForm(forms.Form):
    line = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Say which line the comment is on.",
            "invalid": "The line must be a number.",
            "min_value": "Lines are numbered from 1.",
        },
    )
    body = forms.CharField(
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": EMPTY_BODY},
    )
