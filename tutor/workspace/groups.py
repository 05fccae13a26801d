"""Channel-layer groups that reach the workspace pages a student has open."""


def workspace_group(student_id: int, exercise_id: int) -> str:
    """Every open workspace socket of one student on one exercise; each joins it on connect."""
    return f"workspace_{student_id}_{exercise_id}"
