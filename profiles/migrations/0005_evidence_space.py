import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_department_spaces"),
        ("profiles", "0004_directory_order"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="evidence",
            name="one_evidence_row_per_source",
        ),
        migrations.AddField(
            model_name="evidence",
            name="space",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="governance.space",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                fields=("topic", "person", "source", "space"),
                name="one_evidence_row_per_source_and_space",
                nulls_distinct=False,
            ),
        ),
    ]
