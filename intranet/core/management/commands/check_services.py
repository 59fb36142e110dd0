import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from intranet.core.health import run_checks


def _where(url: str) -> str:
    """Host and port (or socket) of a service URL, without the password."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    host = unquote(parts.hostname or "") or parts.path
    return f"{host}:{parts.port}" if parts.port else host


class Command(BaseCommand):
    help = "Check that PostgreSQL, Redis and the Celery broker answer; explain what does not."

    def handle(self, *args, **options):
        failures = [check for check in run_checks() if not check.ok]
        database = settings.DATABASES["default"]
        targets = {
            "database": f"PostgreSQL at {database['HOST'] or 'localhost'}"
            + (f":{database['PORT']}" if database["PORT"] else ""),
            "redis": f"Redis at {_where(settings.REDIS_URL)}",
            "broker": f"the Celery broker at {_where(settings.CELERY_BROKER_URL)}",
        }
        for check in failures:
            self.stderr.write(
                f"Cannot reach {targets[check.name]}: {check.detail}. "
                f"Check {'DATABASE_URL' if check.name == 'database' else 'REDIS_URL'} "
                "and that the server is running."
            )
        if failures:
            sys.exit(2)
        self.stdout.write("PostgreSQL, Redis and the broker answer.")
