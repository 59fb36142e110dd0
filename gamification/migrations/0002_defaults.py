from django.db import migrations


def add_defaults(apps, schema_editor):
    from gamification import defaults

    defaults.ensure(
        apps.get_model("gamification", "PointRule"), apps.get_model("gamification", "Badge")
    )
    apps.get_model("gamification", "GameSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("gamification", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
