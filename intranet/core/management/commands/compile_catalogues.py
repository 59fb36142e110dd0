"""Compile locale/*/LC_MESSAGES/*.po to .mo in Python (polib), so no system gettext is needed
to run Plein. Only catalogues whose .po is newer than the .mo are rebuilt."""

from django.conf import settings
from django.core.management.base import BaseCommand

from intranet.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues without GNU gettext."

    def handle(self, *args, **options):
        compiled = compile_catalogues(locale_dirs=settings.LOCALE_PATHS)
        for path in compiled:
            self.stdout.write(f"compiled {path}")
