from django.urls import path

from exercises.consumers import SubmissionConsumer
from tutor.assist.consumers import AssistConsumer

websocket_urlpatterns = [
    path("ws/submissions/<int:submission_id>/", SubmissionConsumer.as_asgi()),
    path("ws/assist/<slug:slug>/", AssistConsumer.as_asgi()),
]
