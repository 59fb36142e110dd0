"""Outgoing webhooks: signed messages a real receiver on loopback can verify, retries with
backoff, only what the owner may see (never a secret space's events to anyone else), switched
off after failures, addresses that would reach inside refused, and the pages and API with
their permissions and fixed query counts."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from intranet.activity import services as activity
from intranet.governance.models import AuditEntry, Membership
from intranet.webhooks import addresses, payloads, services, tasks
from intranet.webhooks.models import Delivery, Subscription
from tests.factories import AdminFactory, MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the Dutch ones are checked by tests/core/test_i18n."""
    from django.utils import translation

    with translation.override("en"):
        yield


MARK = "ZQXWEBHOOK"


# --- A receiver on loopback ---------------------------------------------------------------------


def verify(*, secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """What a receiver does, written from the documentation (not with Plein's code): split
    `t=...,v1=...`, refuse a time more than five minutes away, compare the HMAC-SHA256 of
    "<t>.<body>" in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        sent_at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts.get("v1", ""))


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []  # status codes to answer, in turn; then 200
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if code < 300 else b"nope " * 500)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.PLEIN_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    settings.PLEIN_WEBHOOKS_TIMEOUT = 5
    settings.SITE_URL = "https://plein.example"
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def eager():
    """Celery runs tasks in the calling thread (a countdown is not waited for)."""
    from intranet.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def world(db):
    owner = UserFactory(first_name="Olga", last_name="Eigenaar", language="en")
    outsider = UserFactory(first_name="Otto", last_name="Buiten")
    other_owner = UserFactory(first_name="Anna", last_name="Ander")
    admin = AdminFactory(first_name="Beheer", last_name="Der", language="en")
    team = SpaceFactory(name="Finance", slug="finance", visibility="open")
    secret = SpaceFactory(name=f"{MARK} Overname", slug="overname", visibility="secret")
    elsewhere = SpaceFactory(name="Elders", slug="elders")
    MembershipFactory(space=team, user=owner, role="owner")
    MembershipFactory(space=secret, user=owner, role="owner")
    MembershipFactory(space=elsewhere, user=other_owner, role="owner")
    return {
        "owner": owner,
        "outsider": outsider,
        "other_owner": other_owner,
        "admin": admin,
        "team": team,
        "secret": secret,
        "elsewhere": elsewhere,
    }


def subscribe(actor, space, url, *, kinds=("post.created",), format="generic"):
    return services.create_subscription(
        actor=actor, space=space, name="Ontvanger", url=url, format=format, kinds=list(kinds)
    )


def post_in(space, author, body, capture):
    with capture(execute=True):
        return activity.create_post(author=author, space=space, body=body)


# --- Signed, delivered by Celery ----------------------------------------------------------------


def test_an_event_arrives_signed_and_the_receiver_can_verify_it(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(world["owner"], world["team"], receiver.url)
    assert secret.startswith("whsec_")
    post_in(
        world["team"],
        world["owner"],
        "Kwartaalcijfers staan online",
        django_capture_on_commit_callbacks,
    )
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    header = request["headers"]["Plein-Signature"]
    assert verify(secret=secret, body=request["body"], header=header)
    # The same message with another secret, another body, or replayed later: refused.
    assert not verify(secret="whsec_other", body=request["body"], header=header)
    assert not verify(secret=secret, body=request["body"] + b" ", header=header)
    assert not verify(secret=secret, body=request["body"], header=header, now=time.time() + 301)
    assert payloads.verify(secret=secret, body=request["body"], header=header)
    body = json.loads(request["body"])
    assert body["kind"] == "post.created"
    assert body["space"] == {"slug": "finance", "name": "Finance"}
    assert body["actor"] == "Olga Eigenaar"
    assert body["title"].startswith("Kwartaalcijfers")
    assert body["summary"] == "Olga Eigenaar posted in Finance"  # the owner's language
    assert body["url"] == "https://plein.example/spaces/finance/"
    assert request["headers"]["Plein-Event"] == "post.created"
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == "delivered" and delivery.status_code == 200
    assert delivery.attempts == 1 and delivery.duration_ms is not None
    assert body["id"] == delivery.activity_id and body["delivery"]["id"] == delivery.pk


def test_events_of_other_kinds_and_other_spaces_are_not_sent(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    subscribe(world["owner"], world["team"], receiver.url, kinds=["answer.posted"])
    post_in(world["team"], world["owner"], "Geen antwoord", django_capture_on_commit_callbacks)
    subscribe(world["other_owner"], world["elsewhere"], receiver.url)
    post_in(world["team"], world["owner"], "Andere ruimte", django_capture_on_commit_callbacks)
    assert receiver.requests == [] and not Delivery.objects.exists()


def test_a_retried_task_sends_once(world, receiver):
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    post = activity.create_post(author=world["owner"], space=world["team"], body="Eenmaal")
    from intranet.activity.models import Activity

    activity_id = Activity.objects.get(target_type="post", target_id=post.pk).pk
    tasks.deliver_event.apply(args=[subscription.pk, activity_id])
    tasks.deliver_event.apply(args=[subscription.pk, activity_id])
    assert len(receiver.requests) == 1
    assert Delivery.objects.filter(subscription=subscription).count() == 1


# --- Retries and backoff ------------------------------------------------------------------------


def _delivery(world, subscription):
    from intranet.activity.models import Activity

    post = activity.create_post(author=world["owner"], space=world["team"], body="Opnieuw")
    activity_id = Activity.objects.get(target_type="post", target_id=post.pk).pk
    return services.start_delivery(subscription_id=subscription.pk, activity_id=activity_id)


def test_failed_attempts_are_retried_with_growing_waits_then_given_up(world, receiver, settings):
    settings.PLEIN_WEBHOOKS_DISABLE_AFTER = 100
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    delivery_id = _delivery(world, subscription)
    receiver.answers = [500] * 10
    waits = []
    for _attempt in range(6):
        before = timezone.now()
        outcome = services.attempt_delivery(delivery_id=delivery_id)
        row = Delivery.objects.get(pk=delivery_id)
        if outcome.retry_in is not None:
            waits.append(outcome.retry_in)
            assert row.status == "retrying" and row.status_code == 500
            expected = before + timedelta(seconds=outcome.retry_in)
            assert abs((row.next_try_at - expected).total_seconds()) < 5
    assert waits == [60, 300, 1800, 7200, 43200]
    row = Delivery.objects.get(pk=delivery_id)
    assert row.status == "failed" and row.attempts == 6 and row.next_try_at is None
    assert len(receiver.requests) == 6
    assert "nope" in row.response_excerpt and len(row.response_excerpt) <= 500
    # Given up: another run of the task sends nothing.
    assert services.attempt_delivery(delivery_id=delivery_id).status == ""
    assert len(receiver.requests) == 6


def test_a_later_attempt_succeeds_and_clears_the_failure_count(world, receiver):
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    delivery_id = _delivery(world, subscription)
    receiver.answers = [503, 502]
    assert services.attempt_delivery(delivery_id=delivery_id).retry_in == 60
    assert services.attempt_delivery(delivery_id=delivery_id).retry_in == 300
    assert Subscription.objects.get(pk=subscription.pk).failure_count == 2
    assert services.attempt_delivery(delivery_id=delivery_id).status == "delivered"
    subscription.refresh_from_db()
    assert subscription.failure_count == 0 and subscription.last_status_code == 200
    # Each attempt carries its own number in the body.
    assert [b["delivery"]["attempt"] for b in receiver.bodies()] == [1, 2, 3]


def test_the_celery_task_retries_until_delivered(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    post_in(world["team"], world["owner"], "Via de taak", django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(receiver.requests) == 2


# --- Only what the owner may see ----------------------------------------------------------------


def test_a_secret_space_never_reaches_a_subscriber_who_may_not_see_it(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    admin = world["admin"]
    org_wide, _s1 = subscribe(admin, None, receiver.url)  # administrators: open spaces only
    elsewhere, _s2 = subscribe(world["other_owner"], world["elsewhere"], receiver.url)
    post_in(
        world["secret"],
        world["owner"],
        f"{MARK} overname gaat door",
        django_capture_on_commit_callbacks,
    )
    assert all(MARK not in r["body"].decode() for r in receiver.requests)
    assert receiver.requests == []
    # The organisation-wide webhook saw the event and left it out, with the reason logged.
    skipped = Delivery.objects.get(subscription=org_wide)
    assert skipped.status == "skipped" and "may not see" in skipped.error
    assert MARK not in skipped.error
    assert not Delivery.objects.filter(subscription=elsewhere).exists()
    # The open space's event does go to the organisation-wide webhook.
    post_in(world["team"], world["owner"], "Open nieuws", django_capture_on_commit_callbacks)
    assert [b["kind"] for b in receiver.bodies()] == ["post.created"]


def test_the_owner_of_the_secret_space_gets_its_events_until_no_longer_owner(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    owner = world["owner"]
    subscription, _secret = subscribe(owner, world["secret"], receiver.url)
    post_in(world["secret"], owner, f"{MARK} eerste", django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1  # the owner may see it: sent
    # Demoted to member: still sees the space, no longer manages it -> nothing sent.
    Membership.objects.filter(space=world["secret"], user=owner).update(role="member")
    helper = UserFactory()
    MembershipFactory(space=world["secret"], user=helper, role="owner")
    post_in(world["secret"], helper, f"{MARK} tweede", django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    latest = Delivery.objects.filter(subscription=subscription).first()
    assert latest.status == "skipped" and "no longer manages" in latest.error
    # Gone from the space altogether: nothing either.
    Membership.objects.filter(space=world["secret"], user=owner).delete()
    post_in(world["secret"], helper, f"{MARK} derde", django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1


def test_an_owner_deactivated_sends_nothing(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    owner = world["owner"]
    subscribe(owner, world["team"], receiver.url)
    colleague = UserFactory()
    MembershipFactory(space=world["team"], user=colleague, role="member")
    type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    post_in(world["team"], colleague, "Na vertrek", django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert Delivery.objects.get().status == "skipped"


# --- Switched off after failures ----------------------------------------------------------------


def test_repeated_failures_switch_the_webhook_off_audited_and_the_owner_is_told(
    world, receiver, settings
):
    settings.PLEIN_WEBHOOKS_DISABLE_AFTER = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    receiver.answers = [500] * 10
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    ids = [_delivery(world, subscription) for _ in range(4)]
    outcomes = [services.attempt_delivery(delivery_id=pk) for pk in ids[:3]]
    assert [o.status for o in outcomes] == ["retrying", "retrying", "failed"]
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    assert "3 failed attempts in a row" in subscription.disabled_reason
    assert "HTTP 500" in subscription.disabled_reason
    entry = AuditEntry.objects.get(action="webhook.disabled", target_id=subscription.pk)
    assert entry.actor_id is None
    # Switched off: the next delivery is not sent.
    assert services.attempt_delivery(delivery_id=ids[3]).status == "skipped"
    assert len(receiver.requests) == 3
    tasks.email_disabled(subscription.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world["owner"].email]
    assert "switched off" in mail.outbox[0].subject
    # Switched on again by its owner: counting starts afresh.
    services.set_active(actor=world["owner"], subscription_id=subscription.pk, active=True)
    subscription.refresh_from_db()
    assert subscription.active and subscription.failure_count == 0
    assert subscription.disabled_reason == ""


# --- Addresses that would reach inside ----------------------------------------------------------

BAD_URLS = [
    ("ftp://hooks.example.com/x", "must start with https://"),
    ("javascript:alert(1)", "must start with https://"),
    ("file:///etc/passwd", "must start with https://"),
    ("http://user:pw@hooks.example.com/", "user name and password"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://[fe80::1]/", "link-local"),
    ("http://169.254.10.1/", "link-local"),
    ("http://2852039166/", "metadata"),  # 169.254.169.254 spelled as one number
    ("http://[::ffff:169.254.169.254]/", "metadata"),
    ("http://127.0.0.1:6379/", "private or internal"),
    ("http://10.1.2.3/", "private or internal"),
    ("http://localhost:8000/", "private or internal"),
    ("http://[::1]/", "private or internal"),
    ("http://0.0.0.0/", "cannot receive"),
    ("https://hooks.example.com/" + "x" * 500, "500 characters"),
    ("https://hooks example.com/", "spaces or control characters"),
    ("", "Enter the address"),
]


@pytest.mark.parametrize("url, says", BAD_URLS)
def test_addresses_that_are_not_public_http_are_refused_when_subscribing(world, url, says):
    with pytest.raises(ValidationError) as refused:
        subscribe(world["owner"], world["team"], url)
    assert says in " ".join(refused.value.message_dict["url"])
    assert not Subscription.objects.exists()


def test_a_name_that_resolves_inside_is_refused(world):
    with pytest.raises(ValidationError, match="private or internal"):
        subscribe(world["owner"], world["team"], "http://localhost.:9/")
    # A name that is not "localhost" but leads inside: the machine's own name.
    name = socket.gethostname()
    try:
        socket.getaddrinfo(name, 80)
    except OSError:
        pytest.skip("this machine's name does not resolve")
    with pytest.raises(ValidationError, match="private or internal"):
        subscribe(world["owner"], world["team"], f"http://{name}/")


def test_delivery_checks_the_address_again(world, receiver, settings):
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    delivery_id = _delivery(world, subscription)
    settings.PLEIN_WEBHOOKS_ALLOW_PRIVATE = False  # e.g. the setting was turned off since
    outcome = services.attempt_delivery(delivery_id=delivery_id)
    row = Delivery.objects.get(pk=delivery_id)
    assert outcome.status == "retrying" and row.status_code is None
    assert "private or internal" in row.error
    assert receiver.requests == []


def test_redirects_are_not_followed(world, receiver):
    receiver.answers = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    delivery_id = _delivery(world, subscription)
    services.attempt_delivery(delivery_id=delivery_id)
    row = Delivery.objects.get(pk=delivery_id)
    assert row.status == "retrying" and row.status_code == 302
    assert "do not follow redirects" in row.error
    assert len(receiver.requests) == 1


def test_every_resolved_address_is_vetted():
    target = addresses.Target(scheme="http", host="localhost", port=80, path="/")
    with pytest.raises(ValidationError, match="private or internal"):
        addresses.resolve(target)


# --- Sizes and formats --------------------------------------------------------------------------


def test_an_oversized_message_is_not_sent_and_the_log_says_why(world, receiver, settings):
    settings.PLEIN_WEBHOOKS_MAX_BYTES = 200
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    delivery_id = _delivery(world, subscription)
    assert services.attempt_delivery(delivery_id=delivery_id).status == "failed"
    row = Delivery.objects.get(pk=delivery_id)
    assert "webhooks send at most 200 bytes" in row.error
    assert receiver.requests == []


def test_long_titles_are_cut(world, receiver, eager, django_capture_on_commit_callbacks):
    subscribe(world["owner"], world["team"], receiver.url)
    post_in(world["team"], world["owner"], "lang " * 900, django_capture_on_commit_callbacks)
    title = receiver.bodies()[0]["title"]
    assert len(title) <= payloads.TITLE_LIMIT


def test_teams_and_slack_get_their_own_formats(
    world, receiver, eager, django_capture_on_commit_callbacks
):
    subscribe(world["owner"], world["team"], receiver.url, format="teams")
    subscribe(world["owner"], world["team"], receiver.url, format="slack")
    post_in(world["team"], world["owner"], "Kijk <hier> & daar", django_capture_on_commit_callbacks)
    by_shape = {("attachments" in b and "teams") or "slack": b for b in receiver.bodies()}
    card = by_shape["teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = card["content"]
    assert content["type"] == "AdaptiveCard" and content["body"][0]["text"].startswith(
        "Kijk <hier>"
    )
    assert content["actions"][0]["url"] == "https://plein.example/spaces/finance/"
    slack = by_shape["slack"]
    assert "Kijk &lt;hier&gt; &amp; daar" in slack["blocks"][0]["text"]["text"]
    assert "<https://plein.example/spaces/finance/|" in slack["blocks"][0]["text"]["text"]
    assert slack["text"]


# --- Pages --------------------------------------------------------------------------------------


def _page_data(space, url, **extra):
    return {"name": "Teams Finance", "space": space.pk, "url": url, "format": "teams",
            "kinds": ["post.created"], **extra}  # fmt: skip


def test_the_page_makes_a_webhook_and_shows_its_secret_once(client, world, receiver):
    client.force_login(world["owner"])
    response = client.post(reverse("webhooks:index"), _page_data(world["team"], receiver.url))
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    subscription = Subscription.objects.get()
    assert subscription.owner == world["owner"] and subscription.format == "teams"
    assert subscription.secret in response.content.decode()
    assert AuditEntry.objects.filter(action="webhook.created", target_id=subscription.pk).exists()
    again = client.get(reverse("webhooks:index")).content.decode()
    assert "Teams Finance" in again and subscription.secret not in again
    detail = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert subscription.secret not in detail


@pytest.mark.parametrize(
    "change, field, says",
    [
        ({"url": "http://169.254.169.254/"}, "url", "metadata"),
        ({"url": "gopher://x/"}, "url", "https://"),
        ({"kinds": []}, "kinds", ""),
        ({"kinds": ["space.deleted"]}, "kinds", ""),
        ({"name": ""}, "name", ""),
        ({"format": "email"}, "format", ""),
        ({"space": ""}, "space", ""),  # an owner must choose a space
    ],
)
def test_bad_input_on_the_page_says_why_and_saves_nothing(client, world, change, field, says):
    client.force_login(world["owner"])
    data = {**_page_data(world["team"], "https://hooks.example.com/x"), **change}
    response = client.post(reverse("webhooks:index"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert says in " ".join(errors)
    assert not Subscription.objects.exists()


def test_a_space_one_does_not_own_cannot_be_chosen(client, world):
    client.force_login(world["other_owner"])
    data = _page_data(world["secret"], "https://hooks.example.com/x")
    response = client.post(reverse("webhooks:index"), data)
    assert response.status_code == 400 and "space" in response.context["form"].errors
    assert MARK not in response.content.decode()
    assert not Subscription.objects.exists()


def test_who_may_open_the_webhooks_page(client, world):
    url = reverse("webhooks:index")
    assert client.get(url).status_code == 302  # signed out: to sign in
    for who, expected in (("owner", 200), ("admin", 200), ("outsider", 404)):
        client.force_login(world[who])
        assert client.get(url).status_code == expected, who
    guest = UserFactory(org_role="guest")
    MembershipFactory(space=world["team"], user=guest, role="owner")
    client.force_login(guest)
    assert client.get(url).status_code == 404


def test_each_webhook_page_is_only_for_those_who_manage_it(client, world, receiver):
    subscription, _secret = subscribe(world["owner"], world["secret"], receiver.url)
    pages = [
        ("get", reverse("webhooks:detail", args=[subscription.pk])),
        ("post", reverse("webhooks:ping", args=[subscription.pk])),
        ("post", reverse("webhooks:pause", args=[subscription.pk])),
        ("post", reverse("webhooks:resume", args=[subscription.pk])),
        ("post", reverse("webhooks:secret", args=[subscription.pk])),
        ("post", reverse("webhooks:delete", args=[subscription.pk])),
    ]
    for who in ("outsider", "other_owner"):
        client.force_login(world[who])
        for method, url in pages:
            response = getattr(client, method)(url)
            assert response.status_code == 404, (who, url)
            assert MARK not in response.content.decode()
    client.force_login(world["owner"])
    assert client.get(reverse("webhooks:detail", args=[99999])).status_code == 404
    assert client.get("/governance/webhooks/00/").status_code == 404
    # The admin manages every webhook.
    client.force_login(world["admin"])
    assert client.get(pages[0][1]).status_code == 200
    assert receiver.requests == []
    assert Subscription.objects.get().active


def test_the_owner_tests_pauses_resumes_renews_and_deletes(client, world, receiver):
    subscription, secret = subscribe(world["owner"], world["team"], receiver.url)
    client.force_login(world["owner"])
    response = client.post(reverse("webhooks:ping", args=[subscription.pk]), follow=True)
    assert "Test delivered" in response.content.decode()
    request = receiver.requests[-1]
    assert verify(secret=secret, body=request["body"], header=request["headers"]["Plein-Signature"])
    assert json.loads(request["body"])["kind"] == "ping"
    again = client.post(reverse("webhooks:ping", args=[subscription.pk]), follow=True)
    assert "wait a few seconds" in again.content.decode()
    assert len(receiver.requests) == 1
    client.post(reverse("webhooks:pause", args=[subscription.pk]))
    assert not Subscription.objects.get().active
    client.post(reverse("webhooks:resume", args=[subscription.pk]))
    assert Subscription.objects.get().active
    renewed = client.post(reverse("webhooks:secret", args=[subscription.pk]))
    new_secret = Subscription.objects.get().secret
    assert new_secret != secret and new_secret in renewed.content.decode()
    assert renewed["Cache-Control"] == "no-store"
    log = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "HTTP 200" in log and new_secret not in log
    actions = set(
        AuditEntry.objects.filter(target_id=subscription.pk).values_list("action", flat=True)
    )
    assert {"webhook.paused", "webhook.resumed", "webhook.secret_renewed"} <= actions
    client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert not Subscription.objects.exists()
    assert AuditEntry.objects.filter(action="webhook.deleted").exists()


def test_a_failing_test_says_why(client, world, receiver):
    receiver.answers = [404]
    subscription, _secret = subscribe(world["owner"], world["team"], receiver.url)
    client.force_login(world["owner"])
    response = client.post(reverse("webhooks:ping", args=[subscription.pk]), follow=True)
    assert "The test did not arrive" in response.content.decode()
    assert Subscription.objects.get().failure_count == 0  # a test does not count


def _fill_log(subscription, n):
    Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            kind="post.created",
            status="delivered",
            status_code=200,
            attempts=1,
            response_excerpt="ok",
        )
        for _ in range(n)
    )


def test_the_pages_cost_the_same_few_queries_however_much_there_is(client, world, query_budget):
    client.force_login(world["admin"])
    first, _secret = subscribe(world["admin"], world["team"], "https://hooks.example.com/a")
    _fill_log(first, 3)
    counts = []
    client.get(reverse("webhooks:index"))  # what the first page of a session caches
    for more in (0, 30):
        for i in range(more):
            subscribe(world["admin"], world["team"], f"https://hooks.example.com/{i}")
        _fill_log(first, more * 5)
        with query_budget(14) as index:
            assert client.get(reverse("webhooks:index")).status_code == 200
        with query_budget(12) as detail:
            assert client.get(reverse("webhooks:detail", args=[first.pk])).status_code == 200
        # The frame (menu, bell) keeps parts in a cache that may expire in between: the
        # budget covers it; this page's own queries must not grow at all.
        counts.append(
            [
                sum("webhooks_" in q["sql"] for q in budget.captured_queries)
                for budget in (index, detail)
            ]
        )
    assert counts[0] == counts[1] == [1, 2]


# --- API ----------------------------------------------------------------------------------------


def test_the_api_makes_lists_pauses_and_deletes(client, world, receiver):
    client.force_login(world["owner"])
    made = client.post(
        "/api/v1/webhooks/",
        {
            "name": "Slack",
            "space": "finance",
            "url": receiver.url,
            "format": "slack",
            "kinds": ["post.created"],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["secret"].startswith("whsec_") and data["space"] == "finance"
    pk = data["id"]
    listed = client.get("/api/v1/webhooks/").json()
    assert listed["count"] == 1 and "secret" not in listed["results"][0]
    paused = client.patch(
        f"/api/v1/webhooks/{pk}/", {"active": False}, content_type="application/json"
    )
    assert paused.status_code == 200 and paused.json()["active"] is False
    tested = client.post(f"/api/v1/webhooks/{pk}/test/", content_type="application/json")
    assert tested.status_code == 200 and tested.json()["status_code"] == 200
    log = client.get(f"/api/v1/webhooks/{pk}/deliveries/").json()
    assert log["count"] == 1 and log["results"][0]["kind"] == "ping"
    kinds = {k["kind"] for k in client.get("/api/v1/webhooks/events/").json()}
    assert {"post.created", "answer.posted", "question.asked"} <= kinds
    assert client.delete(f"/api/v1/webhooks/{pk}/").status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://169.254.169.254/"}, "url"),
        ({"url": "ftp://x/"}, "url"),
        ({"kinds": ["nope"]}, "kinds"),
        ({"kinds": "post.created"}, "kinds"),
        ({"space": "overname"}, "space"),  # the secret space, not the caller's
        ({"space": "bestaat-niet"}, "space"),
        ({"space": None}, "space"),  # organisation-wide: administrators only
    ],
)
def test_bad_input_through_the_api(client, world, body, field):
    client.force_login(world["other_owner"])
    data = {"name": "X", "space": "elders", "url": "https://hooks.example.com/x",
            "kinds": ["post.created"], **body}  # fmt: skip
    response = client.post("/api/v1/webhooks/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json() and MARK not in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_api_answers_404_for_a_webhook_one_does_not_manage(client, world, receiver):
    subscription, _secret = subscribe(world["owner"], world["secret"], receiver.url)
    client.force_login(world["outsider"])
    base = f"/api/v1/webhooks/{subscription.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "deliveries/").status_code == 404
    assert client.post(base + "test/").status_code == 404
    assert client.post(base + "secret/").status_code == 404
    assert client.patch(base, {"active": False}, content_type="application/json").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.get("/api/v1/webhooks/").json()["count"] == 0
    assert Subscription.objects.get().active and receiver.requests == []
