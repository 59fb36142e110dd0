from django.db import migrations

from intranet.activity.origins import backfill_notification_spaces


def remember_where_notifications_came_from(apps, schema_editor):
    backfill_notification_spaces(
        apps, url_regex=r"^/stories/(\d+)/", model="gamification.Story", space_path="space_id"
    )


class Migration(migrations.Migration):
    dependencies = [("gamification", "0003_history_index"), ("activity", "0009_notification_space")]

    operations = [
        migrations.RunPython(remember_where_notifications_came_from, migrations.RunPython.noop)
    ]
