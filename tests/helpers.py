from django.urls import reverse

SIGNUP_PASSWORD = "een-lang-wachtwoord-42"


def signup(client, email: str, *, first_name: str = "Noor", last_name: str = "Peters",
           password2: str = SIGNUP_PASSWORD, **extra):  # fmt: skip
    """Post the sign-up form as a person would fill it in."""
    data = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "password1": SIGNUP_PASSWORD,
        "password2": password2,
    }
    return client.post(reverse("account_signup"), data, **extra)


MODULE_MARKER = "ZQXMODULE"


def module_switch_case():
    """An open space, its owner and a colleague who follows the owner: for checking that
    content of a module leaves every feed when the space switches that module off."""
    from intranet.activity import services as activity
    from tests.factories import MembershipFactory, SpaceFactory, UserFactory

    space = SpaceFactory(name="Werkplaats")
    owner, colleague = UserFactory(), UserFactory()
    MembershipFactory(space=space, user=owner, role="owner")
    MembershipFactory(space=space, user=colleague)
    activity.follow(follower=colleague, followee=owner)
    return space, owner, colleague


def assert_module_switch_hides(client, *, space, owner, colleague, keep: list[str]) -> list[str]:
    """The marked content shows on the home feed, the space's page and the owner's person
    page while its module is on, and on none of them once only `keep` modules are on."""
    from intranet.governance import services as governance

    client.force_login(colleague)
    pages = [
        reverse("home"),
        reverse("governance:space", args=[space.slug]),
        reverse("profiles:person", args=[owner.pk]),
    ]
    for url in pages:
        assert MODULE_MARKER in client.get(url).content.decode(), url  # the module on: shown
    governance.update_space(
        actor=owner, space=space, name=space.name, description="", visibility="open",
        modules=keep,
    )  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert MODULE_MARKER not in response.content.decode(), url
    return pages


def forget_caches() -> None:
    """What a rolled-back case may have left in the caches (Redis under our prefix, the
    policies and settings kept in process memory), as tests/conftest.py clears it between
    tests: a case must not see what an undone one cached (a pilot switched on, say)."""
    import redis
    from django.conf import settings

    from gamification.services import forget_settings
    from intranet.digests.registry import forget_shared
    from intranet.governance.permissions import forget_policies
    from intranet.governance.services import forget_pilot

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.REDIS_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    forget_policies()
    forget_pilot()
    forget_shared()
    forget_settings()


def exception_signal(group, **fields):
    """A signal raised on a group of recurring exceptions, as the board policy raises it
    (intranet.signals, source "exceptions"), with the given fields (due_at, owner, status ...)."""
    from intranet.signals.models import Signal

    fields.setdefault("how", "exceptions")
    fields.setdefault("module", "boards")
    return Signal.objects.create(
        source="exceptions", object_id=group.pk, space=group.board.space,
        title=group.title[:200], **fields,
    )  # fmt: skip
