from django.db import migrations


def move_secret_spaces_off_plain_addresses(apps, schema_editor):
    """Secret spaces made before their addresses carried a keyed suffix still sit at the plain
    address a colleague might ask for, which a "this address is taken" answer would reveal.
    Give them the address a secret space gets today (members find them in their rail)."""
    from intranet.governance.services import secret_slug

    Space = apps.get_model("governance", "Space")
    for space in Space.objects.filter(visibility="secret").only("slug"):
        address = secret_slug(space.slug)
        if address != space.slug and not Space.objects.filter(slug=address).exists():
            space.slug = address
            space.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_department_spaces")]

    operations = [
        migrations.RunPython(move_secret_spaces_off_plain_addresses, migrations.RunPython.noop)
    ]
