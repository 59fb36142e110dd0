import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from intranet.governance.models import Department
from profiles.models import Invitation

PASSWORD = "correct-horse-battery"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Afdeling {n}")
    slug = factory.Sequence(lambda n: f"afdeling-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"medewerker{n}@plein.example")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.django.Password(PASSWORD)
    # Colleagues who have been here a while: new accounts post at a limited pace, which tests
    # of that limit ask for explicitly.
    date_joined = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=365))

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # Real accounts have a verified address; tests that need an unverified one pass False.
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        # Administrators must have two-step verification before administration pages open
        # (intranet.governance.middleware.MfaRequiredMiddleware), so they come with TOTP set up,
        # as real ones do; `mfa=False` makes one without, `mfa=True` enrols anyone. The secret
        # is kept on the object for tests that sign in with a code.
        wanted = obj.org_role == "administrator" or obj.is_superuser
        if create and extracted is not False and (extracted or wanted):
            obj.totp_secret = enrol_mfa(obj)


def enrol_mfa(user) -> str:
    """Set up TOTP (and recovery codes, as allauth does) for a user; returns the secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """The authenticator app's current code for a secret."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


class AdminFactory(UserFactory):
    is_staff = True
    org_role = "administrator"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"gast{n}@extern.example")
    invited_by = factory.SubFactory(AdminFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Space"

    kind = "team"
    name = factory.Sequence(lambda n: f"Ruimte {n}")
    slug = factory.Sequence(lambda n: f"ruimte-{n}")
    visibility = "open"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Membership"

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activity.Post"

    space = factory.SubFactory(SpaceFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Bericht {n}")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")
