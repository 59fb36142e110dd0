from django.db import migrations

MODULES = ["forums", "knowledge", "boards", "stories"]


def give_every_department_its_space(apps, schema_editor):
    """Departments made before spaces existed get their open space, with their people as
    members and their manager as owner (what save_department does for new ones)."""
    Department = apps.get_model("governance", "Department")
    Space = apps.get_model("governance", "Space")
    Membership = apps.get_model("governance", "Membership")
    User = apps.get_model("profiles", "User")
    for department in Department.objects.filter(space__isnull=True):
        slug = department.slug
        if Space.objects.filter(slug=slug).exists():
            slug = f"afdeling-{slug}"
        space = Space.objects.create(
            kind="department",
            name=department.name,
            slug=slug,
            department=department,
            visibility="open",
            modules=MODULES,
        )
        Membership.objects.bulk_create(
            [
                Membership(space=space, user=user, role="member")
                for user in User.objects.filter(department=department)
            ],
            ignore_conflicts=True,
        )
        if department.manager_id:
            Membership.objects.update_or_create(
                space=space, user_id=department.manager_id, defaults={"role": "owner"}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_audit_append_only"),
        ("profiles", "0002_user_org_role"),
    ]

    operations = [
        migrations.RunPython(give_every_department_its_space, migrations.RunPython.noop),
    ]
