"""Fair points: every rule gets a daily cap (rules that had none get the default), rules paid by
another person's decision get a weekly cap per pair, and the ledger remembers whose decision
paid an entry. Caps an administrator already set are left alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def set_caps(apps, schema_editor):
    from gamification import defaults

    PointRule = apps.get_model("gamification", "PointRule")
    for key, (_points, cap) in defaults.RULES.items():
        PointRule.objects.filter(key=key, daily_cap__isnull=True).update(daily_cap=cap)
    for key, cap in defaults.PAIR_CAPS.items():
        PointRule.objects.filter(key=key, pair_cap__isnull=True).update(pair_cap=cap)


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0004_notification_origins"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="pointrule",
            name="pair_cap",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="weekly cap per pair"
            ),
        ),
        migrations.RunPython(set_caps, migrations.RunPython.noop),
    ]
