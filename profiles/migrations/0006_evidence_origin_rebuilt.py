from django.db import migrations

PERSONAL = ("skill", "endorsement")


def forget_evidence_without_origin(apps, schema_editor):
    """Evidence made from content (accepted answers ...) before it remembered its space would
    be shown to everyone: drop it and let the providers recompute it with its origin."""
    Evidence = apps.get_model("profiles", "Evidence")
    deleted, _rows = Evidence.objects.exclude(source__in=PERSONAL).delete()
    if deleted:
        # An installation with data: every app's tables exist. The providers (registered by
        # the apps in their ready()) rebuild their rows, now one per space.
        from profiles import services

        services.rebuild_evidence()


class Migration(migrations.Migration):
    # Its own migration: the index 0005 adds is created at the end of that one, which
    # PostgreSQL refuses in a transaction that has just deleted rows.
    dependencies = [
        ("profiles", "0005_evidence_space"),
        # The providers' rebuild reads forum topics and answers as they are now.
        ("forums", "0004_moderation"),
    ]

    operations = [migrations.RunPython(forget_evidence_without_origin, migrations.RunPython.noop)]
