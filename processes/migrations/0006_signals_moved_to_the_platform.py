"""Signals moved to the platform (intranet.signals, migration 0002 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0005_notification_origins"),
        # The rows were copied to the platform's signals first.
        ("signals", "0002_from_process_boards"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Signal",
        ),
    ]
