from django.urls import path

from tutor.workspace.consumers import WorkspaceConsumer

websocket_urlpatterns = [
    path("ws/workspace/<slug:slug>/", WorkspaceConsumer.as_asgi()),
]
