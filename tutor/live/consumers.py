"""The instructor's live class socket: the whole table on connect, then one row per change."""

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

from channels.db import database_sync_to_async

from tutor.courses.access import managed_course
from tutor.courses.models import Course
from tutor.groups import StudentChanged, live_group
from tutor.live.mistake_groups import MistakeGroupPayload, group_payloads, mistake_groups
from tutor.live.selectors import LiveRow, StuckRule, live_row, live_rows
from tutor.live.services.group_hints import GroupHintRefused, send_group_hint
from tutor.sockets import Handler, JsonSocket, SocketRefusal


class GroupsMessage(TypedDict):
    type: Literal["groups"]
    groups: list[MistakeGroupPayload]


class GroupHintSentMessage(TypedDict):
    type: Literal["group_hint_sent"]
    signature: str
    students: int  # how many students it reached


class TableMessage(TypedDict):
    type: Literal["table"]
    rows: list[LiveRow]
    rule: dict[str, int]


class RowMessage(TypedDict):
    type: Literal["row"]
    row: LiveRow


class LiveClassConsumer(JsonSocket):
    """/ws/courses/<slug>/live/, for the course's instructors only (others: close 4403).

    Sends {"type": "table", "rows": [...], "rule": {...}} and {"type": "groups", "groups": [...]}
    (the stuck students by mistake, tutor/live/mistake_groups.py) on connect, and a `row` and
    the `groups` again on each `student.changed` event of the course's live group. Events carry
    a student id only: the row is read here, for this instructor. Takes `group_hint`: the
    instructor's hint to every student of a group (tutor/live/services/group_hints.py).
    """

    course: Course
    grouped: set[int]  # the students in the groups last sent

    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        course = await database_sync_to_async(managed_course)(self.scope.get("user"), slug)
        if course is None:
            await self.close(code=4403)
            return
        self.course = course
        self.grouped = set()
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
        await self.send_groups(rows)

    async def send_groups(self, rows: list[LiveRow] | None = None) -> None:
        groups = await database_sync_to_async(self._group_payloads)(rows)
        self.grouped = {student["student_id"] for group in groups for student in group["students"]}
        await self.send_json(GroupsMessage(type="groups", groups=groups))

    def _group_payloads(self, rows: list[LiveRow] | None) -> list[MistakeGroupPayload]:
        return group_payloads(self.course, mistake_groups(self.course, rows=rows))

    async def student_changed(self, event: StudentChanged) -> None:
        student_id = event.get("student_id")
        if not isinstance(student_id, int):
            return
        row = await database_sync_to_async(live_row)(self.course, student_id)
        if row is not None:
            await self.send_json(RowMessage(type="row", row=row))
            # Only a stuck student can join a group, and only one in a group can leave one.
            if row["stuck"] or student_id in self.grouped:
                await self.send_groups()

    def message_handlers(self) -> Mapping[str, Handler]:
        return {
            "refresh": self.handle_refresh,
            "ping": self.handle_ping,
            "group_hint": self.handle_group_hint,
        }

    async def handle_group_hint(self, content: dict[str, Any]) -> None:
        signature, text = content.get("signature"), content.get("text")
        if not isinstance(signature, str) or not isinstance(text, str):
            raise SocketRefusal("A group hint names the group's signature and has a text.")
        try:
            sent = await database_sync_to_async(send_group_hint)(
                instructor=self.scope["user"], course=self.course, signature=signature, text=text
            )
        except GroupHintRefused as refusal:
            raise SocketRefusal(str(refusal)) from refusal
        await self.send_json(
            GroupHintSentMessage(
                type="group_hint_sent", signature=signature, students=sent.students
            )
        )

    async def handle_refresh(self, content: dict[str, Any]) -> None:
        await self.send_table()

    async def handle_ping(self, content: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})
