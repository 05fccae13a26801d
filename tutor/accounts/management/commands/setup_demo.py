from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tutor.accounts.services import ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo instructor and student (once) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = ensure_demo_accounts(settings.VAR_DIR / "demo-logins.json")
        for login in logins:
            self.stdout.write(
                f"  {login.role:<10} username: {login.username:<8} password: {login.password}"
            )
