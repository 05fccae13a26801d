"""The instructor's live class socket: the whole table on connect, then one row per change."""

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from channels.db import database_sync_to_async

from tutor.courses.access import managed_course
from tutor.courses.models import Course
from tutor.groups import StudentChanged, live_group
from tutor.live.selectors import LiveRow, StuckRule, live_row, live_rows
from tutor.sockets import Handler, JsonSocket


class TableMessage(TypedDict):
    type: Literal["table"]
    rows: list[LiveRow]
    rule: dict[str, int]


class RowMessage(TypedDict):
    type: Literal["row"]
    row: LiveRow


class LiveClassConsumer(JsonSocket):
    """/ws/courses/<slug>/live/, for the course's instructors only (others: close 4403).

    Sends {"type": "table", "rows": [...], "rule": {...}} on connect and
    {"type": "row", "row": {...}} on each `student.changed` event of the course's live group.
    Events carry a student id only: the row is read here, for this instructor.
    """

    course: Course

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        course = await database_sync_to_async(managed_course)(self.scope.get("user"), slug)
        if course is None:
            await self.close(code=4403)
            return
        self.course = course
        self.group = live_group(course.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_table()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def send_table(self) -> None:
        rows = await database_sync_to_async(live_rows)(self.course)
        rule = StuckRule.from_settings().as_dict()
        await self.send_json(TableMessage(type="table", rows=rows, rule=rule))

    async def student_changed(self, event: StudentChanged) -> None:
        student_id = event.get("student_id")
        if not isinstance(student_id, int):
            return
        row = await database_sync_to_async(live_row)(self.course, student_id)
        if row is not None:
            await self.send_json(RowMessage(type="row", row=row))

    def message_handlers(self) -> Mapping[str, Handler]:
        return {"refresh": self.handle_refresh, "ping": self.handle_ping}

    async def handle_refresh(self, content: dict[str, Any]) -> None:
        await self.send_table()

    async def handle_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})
