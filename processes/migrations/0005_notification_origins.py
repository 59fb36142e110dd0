from django.db import migrations

from intranet.activity.origins import backfill_notification_spaces


def remember_where_notifications_came_from(apps, schema_editor):
    for url_regex, model, space_path in (
        (r"^/boards/cards/(\d+)/", "processes.Card", "board__space_id"),
        (r"^/boards/pain-points/(\d+)/", "processes.PainPoint", "board__space_id"),
        (r"^/signals/(\d+)/", "processes.Signal", "group__board__space_id"),
    ):
        backfill_notification_spaces(apps, url_regex=url_regex, model=model, space_path=space_path)


class Migration(migrations.Migration):
    dependencies = [
        ("processes", "0004_painpoint_status_changed_at"),
        ("activity", "0009_notification_space"),
    ]

    operations = [
        migrations.RunPython(remember_where_notifications_came_from, migrations.RunPython.noop)
    ]
