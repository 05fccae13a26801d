from django.urls import path

from tutor.live.consumers import LiveClassConsumer
from tutor.workspace.consumers import WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/workspace/<slug:slug>/", WorkspaceConsumer.as_asgi()),
    path("ws/courses/<slug:slug>/live/", LiveClassConsumer.as_asgi()),
]
