from typing import Any

from django.http import HttpRequest

from tutor.accounts.roles import is_instructor


def roles(request: HttpRequest) -> dict[str, Any]:
    """Lets every page show instructors their links."""
    return {"is_instructor": is_instructor(request.user)}
