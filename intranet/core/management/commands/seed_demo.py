from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from intranet.core import demo


class Command(BaseCommand):
    help = "Create the demo organisation (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-start",
            action="store_true",
            help="Only seed an empty database (what `make run` does on every start).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with PLEIN_ENV=production (demo accounts share a known password).",
        )

    def handle(self, *args, first_start=False, allow_production=False, **options):
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with a known password in production. "
                "Pass --allow-production if this really is a demo installation."
            )
        if first_start and get_user_model().objects.exists():
            self.stdout.write("Database already has people; demo data left as it is.")
            return
        created = demo.seed_all()
        self.stdout.write(
            f"Demo organisation ready: {created['departments']} departments, "
            f"{created['people']} people and {created['spaces']} spaces created."
        )
