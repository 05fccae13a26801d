"""WebSocket: a browser watches one submission and gets its result the moment it is stored."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from exercises.selectors.submissions import submission_for_viewer, submission_payload
from exercises.services.notifications import submission_group
from tutor.accounts.roles import is_instructor


class SubmissionConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.submission_id = int(self.scope["url_route"]["kwargs"]["submission_id"])
        payload = await self._payload()
        if payload is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(submission_group(self.submission_id), self.channel_name)
        await self.accept()
        # The result may have been stored before this socket joined the group.
        await self.send_json({"type": "submission", "submission": payload})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "submission_id"):
            await self.channel_layer.group_discard(
                submission_group(self.submission_id), self.channel_name
            )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # This socket only listens; anything a client sends is ignored.
        return

    async def submission_changed(self, event: dict[str, Any]) -> None:
        payload = await self._payload()
        if payload is None:
            await self.close(code=4403)
            return
        await self.send_json({"type": "submission", "submission": payload})

    @database_sync_to_async
    def _payload(self) -> dict[str, Any] | None:
        user = self.scope["user"]
        submission = submission_for_viewer(user, self.submission_id)
        if submission is None:
            return None
        return submission_payload(submission, for_instructor=is_instructor(user))
