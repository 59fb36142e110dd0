"""Signals became the platform's: the signals recurring exceptions raised on process boards
(processes.Signal) move here as source "exceptions", keeping their ids (so addresses in
notifications and emails keep working), owners, answers and deadlines; every reporter of the
group becomes a supporter, who hears of later answers."""

from django.db import migrations
from django.utils.html import escape


def forwards(apps, schema_editor):
    Old = apps.get_model("processes", "Signal")
    Report = apps.get_model("processes", "ExceptionReport")
    New = apps.get_model("signals", "Signal")
    Support = apps.get_model("signals", "Support")
    old = list(Old.objects.select_related("group__board"))
    if not old:
        return
    reporters: dict[int, set[int]] = {}
    for group_id, user_id in Report.objects.filter(
        group_id__in=[s.group_id for s in old]
    ).values_list("group_id", "reporter_id"):
        reporters.setdefault(group_id, set()).add(user_id)
    New.objects.bulk_create(
        New(
            pk=s.pk,
            source="exceptions",
            module="boards",
            object_id=s.group_id,
            space_id=s.group.board.space_id,
            title=s.group.title[:200],
            how="exceptions",
            owner_id=s.owner_id,
            status=s.status,
            response=s.response,
            response_html=(
                "<p>" + escape(s.response).replace("\n", "<br>") + "</p>" if s.response else ""
            ),
            responded_at=s.responded_at,
            due_at=s.due_at,
            created_at=s.created_at,
            support_count=len(reporters.get(s.group_id, ())),
        )
        for s in old
    )
    Support.objects.bulk_create(
        Support(signal_id=s.pk, user_id=user_id)
        for s in old
        for user_id in sorted(reporters.get(s.group_id, ()))
    )
    # Ids were kept: new signals are numbered after them.
    schema_editor.execute(
        "SELECT setval(pg_get_serial_sequence('signals_signal', 'id'), "
        "(SELECT MAX(id) FROM signals_signal))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0001_initial"),
        ("processes", "0005_notification_origins"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
