import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from intranet.core import demo
from intranet.governance.models import Department, Membership, Space

pytestmark = pytest.mark.django_db
User = get_user_model()


def snapshot():
    users = sorted(
        User.objects.values_list("email", "first_name", "department__slug", "password", "is_staff")
    )
    departments = sorted(Department.objects.values_list("slug", "parent__slug", "manager__email"))
    spaces = sorted(Space.objects.values_list("slug", "visibility", "kind"))
    memberships = sorted(Membership.objects.values_list("space__slug", "user__email", "role"))
    return users, departments, spaces, memberships, EmailAddress.objects.count()


def test_seed_creates_a_believable_dutch_organisation():
    call_command("seed_demo")
    names = set(Department.objects.values_list("name", flat=True))
    assert names == {"Directie", "Sales", "Marketing", "HR", "IT", "Finance", "Operations",
                     "Klantenservice"}  # fmt: skip
    assert Department.objects.get(slug="sales").parent.slug == "directie"
    assert 38 <= User.objects.filter(is_staff=False).count() <= 45
    assert User.objects.filter(is_superuser=True).count() == 1
    managers = {d.manager.first_name for d in Department.objects.select_related("manager")}
    assert {"Chris", "Mary", "Steve", "Sandy"} <= managers
    assert not User.objects.filter(department__isnull=True).exists()
    assert User.objects.get(email="beheer@plein.example").org_role == "administrator"
    # Every department has its open space, owned by its manager, with its people as members.
    it = Space.objects.get(department__slug="it")
    assert (it.kind, it.visibility) == ("department", "open")
    assert it.memberships.get(user__first_name="Chris").role == "owner"
    # Everyone in IT is in its space (colleagues from elsewhere joined it to ask and answer).
    in_it = set(User.objects.filter(department__slug="it").values_list("pk", flat=True))
    assert in_it <= set(it.memberships.values_list("user_id", flat=True))
    spaces = dict(Space.objects.exclude(kind="department").values_list("name", "visibility"))
    assert spaces["Klantreis verbeteren"] == "open"
    assert spaces["Social Business ambassadeurs"] == "open"
    assert sorted(spaces.values()).count("private") == 1
    assert sorted(spaces.values()).count("secret") == 1
    assert not Space.objects.filter(visibility="private", closed_reason="").exists()
    # Every demo account can sign in straight away.
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count()


def test_demo_user_can_sign_in_with_the_printed_password(client):
    call_command("seed_demo")
    response = client.post(
        "/accounts/login/", {"login": "chris.dekker@plein.example", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_seed_twice_changes_nothing():
    call_command("seed_demo")
    before = snapshot()
    call_command("seed_demo")
    assert snapshot() == before


def test_first_start_leaves_an_existing_database_alone(user):
    call_command("seed_demo", "--first-start")
    assert User.objects.count() == 1
    assert not Department.objects.exists()


def test_seed_refuses_production_without_explicit_consent(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to create demo accounts"):
        call_command("seed_demo")
    assert not User.objects.exists()
