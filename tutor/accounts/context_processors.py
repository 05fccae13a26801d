from typing import Any

from django.http import HttpRequest

from tutor.accounts.public_url import public_url
from tutor.accounts.roles import is_instructor


def roles(request: HttpRequest) -> dict[str, Any]:
    """Lets every page show instructors their links, and print the address students type."""
    return {"is_instructor": is_instructor(request.user), "public_url": public_url()}
