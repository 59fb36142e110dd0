"""Digest emails against a real SMTP server on loopback (aiosmtpd), PostgreSQL and Redis:
both parts, the reader's language, RFC 8058 unsubscribe headers and a one-click link that works
once; exactly once under a retried task and two beats at once; what the reader may see at
sending time; no empty digests; time zones; a fixed number of queries; and what happens when
the mail server refuses an address, is down, or a section breaks."""

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums import services as forums
from intranet.digests import registry, services
from intranet.digests.models import DigestPreference, DigestSend, OutboxMessage, SendStatus
from intranet.governance.models import AuditEntry, Membership
from tests.factories import AdminFactory, MembershipFactory, SpaceFactory, UserFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def daily_now(user) -> None:
    """A daily digest at this hour (Amsterdam): planning 'tomorrow' makes it due after
    everything the test creates."""
    hour = timezone.now().astimezone(AMSTERDAM).hour
    DigestPreference.objects.update_or_create(
        user=user, defaults={"frequency": "daily", "hour": hour, "time_zone": "Europe/Amsterdam"}
    )


def later():
    return timezone.now() + datetime.timedelta(days=1)


def send_all(now=None) -> list[str]:
    return [services.deliver(send_id=send_id) for send_id in services.plan(now=now or later())]


@pytest.fixture
def forum():
    space = SpaceFactory(name="Financiën")
    asker = MembershipFactory(space=space).user
    reader_nl = MembershipFactory(space=space, user=UserFactory(language="nl")).user
    reader_en = MembershipFactory(space=space, user=UserFactory(language="en")).user
    for person in (asker, reader_nl, reader_en):
        daily_now(person)
    return space, asker, reader_nl, reader_en


def ask(space, asker, title="Hoe boek ik btw op export?"):
    return forums.ask(author=asker, space=space, kind="question", title=title)


@pytest.mark.django_db
def test_a_digest_arrives_with_both_parts_in_the_readers_language(mailbox, forum):
    space, asker, reader_nl, reader_en = forum
    ask(space, asker)
    # The asker: nothing for them (their points come after commit; see the threaded test).
    assert sorted(send_all()) == ["empty", "sent", "sent"]
    mailbox.wait_for(2)
    by_to = {m["To"]: m for m in mailbox.messages}
    dutch, english = by_to[reader_nl.email], by_to[reader_en.email]
    assert dutch["Subject"] == "Plein vandaag: 1 ding voor jou"
    assert english["Subject"] == "Plein today: 1 thing for you"
    for message in (dutch, english):
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Hoe boek ik btw op export?" in text and "Hoe boek ik btw op export?" in html
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert str(message["List-Unsubscribe"]).strip().startswith(
            "<http"
        ) and "/digests/unsubscribe/" in str(message["List-Unsubscribe"])
    assert "Vragen die jij kunt beantwoorden" in dutch.get_body(("plain",)).get_content()
    assert "Questions you could answer" in english.get_body(("plain",)).get_content()
    sent = DigestSend.objects.get(user=reader_en)
    assert sent.status == SendStatus.SENT and sent.item_count == 1 and sent.sent_at
    # The next digest starts where this one ended: nothing new, nothing sent.
    DigestSend.objects.all().delete()
    DigestSend.objects.create(
        user=reader_en, period="daily:earlier", due_at=later(), status=SendStatus.SENT
    )
    assert (
        services.deliver(
            send_id=DigestSend.objects.create(
                user=reader_en, period="daily:next", due_at=later() + datetime.timedelta(hours=1)
            ).pk
        )
        == "empty"
    )


@pytest.mark.django_db
def test_one_click_unsubscribe_works_once_and_refuses_a_tampered_link(client, mailbox, forum):
    space, asker, reader_nl, reader_en = forum
    ask(space, asker)
    send_all()
    message = next(m for m in mailbox.wait_for(2) if m["To"] == reader_en.email)
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    path = url[url.index("/digests/") :]
    # A link checker's GET changes nothing; it asks.
    assert "Stop the digest?" in client.get(path, **EN).content.decode()
    assert DigestPreference.objects.get(user=reader_en).frequency == "daily"
    # Tampered: refused, nothing changes.
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    refused = client.post(tampered, {"List-Unsubscribe": "One-Click"}, **EN)
    assert refused.status_code == 400 and "not valid" in refused.content.decode()
    assert DigestPreference.objects.get(user=reader_en).frequency == "daily"
    # The mail client's one-click POST, without a session or CSRF token.
    done = client.post(path, {"List-Unsubscribe": "One-Click"}, **EN)
    assert done.status_code == 200 and "no longer get the digest" in done.content.decode()
    preference = DigestPreference.objects.get(user=reader_en)
    assert (preference.frequency, preference.hour) == ("off", preference.hour)
    assert DigestPreference.objects.get(user=reader_nl).frequency == "daily"  # only theirs
    again = client.post(path, {"List-Unsubscribe": "One-Click"}, **EN)
    assert again.status_code == 400 and "used already" in again.content.decode()
    # Off means off: nothing is planned for them any more.
    ask(space, asker, "Nog een vraag?")
    DigestSend.objects.all().delete()
    services.plan(now=later())
    assert not DigestSend.objects.filter(user=reader_en).exists()


@pytest.mark.django_db(transaction=True)
def test_exactly_once_under_two_beats_at_once_and_a_retried_task(mailbox):
    space = SpaceFactory()
    asker = MembershipFactory(space=space).user
    readers = [MembershipFactory(space=space).user for _ in range(6)]
    for person in [asker, *readers]:
        daily_now(person)
    ask(space, asker)
    now = later()
    planned: list[list[int]] = []

    def beat():
        try:
            planned.append(services.plan(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert DigestSend.objects.count() == 7  # one row per person, whichever beat won
    ids = sorted({send_id for run in planned for send_id in run})
    results: list[str] = []

    def worker(send_id):
        try:
            results.append(services.deliver(send_id=send_id))
        finally:
            connection.close()

    # Every row sent by two workers at once (a duplicated task), then once more (a retry).
    workers = [threading.Thread(target=worker, args=(i,)) for i in ids for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    for send_id in ids:
        results.append(services.deliver(send_id=send_id))
    mailbox.wait_for(6)
    import time

    time.sleep(0.3)  # a seventh (the asker's, for the points of asking) may still be arriving
    to = [m["To"] for m in mailbox.messages]
    # Nobody twice; every reader once; every "sent" is one message; the rest were duplicates.
    assert len(to) == len(set(to)) and {r.email for r in readers} <= set(to)
    assert results.count("sent") == len(to)
    assert results.count("sent") + results.count("empty") == 7
    assert results.count("skipped") == 14
    # A third beat later finds nothing left to send.
    assert services.plan(now=now + datetime.timedelta(minutes=30)) == []


@pytest.mark.django_db
def test_only_what_the_reader_may_see_at_sending_time(mailbox):
    secret = SpaceFactory(visibility="private", closed_reason="Reorganisatie")
    asker = MembershipFactory(space=secret).user
    stays = MembershipFactory(space=secret).user
    leaves = MembershipFactory(space=secret).user
    for person in (asker, stays, leaves):
        daily_now(person)
    ask(secret, asker, "Wie gaat er naar de nieuwe afdeling?")
    # Yesterday's member is removed before the digest goes out.
    Membership.objects.filter(space=secret, user=leaves).delete()
    send_all()
    mailbox.wait_for(1)
    assert sorted(m["To"] for m in mailbox.wait_for(1)) == [stays.email]
    assert DigestSend.objects.get(user=leaves).status == SendStatus.EMPTY


@pytest.mark.django_db
def test_weekly_at_the_readers_hour_in_their_time_zone():
    amsterdam = UserFactory()  # no row: weekly, Monday 08:00, Europe/Amsterdam
    london = UserFactory()
    DigestPreference.objects.create(user=london, frequency="weekly", weekday=0, hour=8,
                                    time_zone="Europe/London")  # fmt: skip
    monday = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)  # a Monday, winter time
    services.plan(now=monday.replace(hour=6, minute=55))  # 07:55 in Amsterdam
    assert not DigestSend.objects.exists()
    services.plan(now=monday.replace(hour=7, minute=5))  # 08:05 in Amsterdam, 07:05 in London
    row = DigestSend.objects.get()
    assert row.user == amsterdam and row.due_at == monday.replace(hour=7)
    services.plan(now=monday.replace(hour=8, minute=5))
    assert DigestSend.objects.get(user=london).due_at == monday.replace(hour=8)
    # Summer time: 08:00 in Amsterdam is 06:00 UTC.
    july = datetime.datetime(2026, 7, 6, 6, 5, tzinfo=datetime.UTC)  # a Monday
    services.plan(now=july)
    assert DigestSend.objects.filter(user=amsterdam, due_at=july.replace(minute=0)).exists()
    # A beat that was down catches up within CATCH_UP, not with last week's digest.
    assert services.plan(now=monday + datetime.timedelta(days=6)) == []


@pytest.mark.django_db
def test_composing_costs_the_same_queries_whatever_happened():
    space = SpaceFactory()
    asker = MembershipFactory(space=space).user
    reader = MembershipFactory(space=space, user=UserFactory(language="en")).user
    since = timezone.now() - datetime.timedelta(minutes=1)

    def queries() -> int:
        from intranet.digests import selectors

        with CaptureQueriesContext(connection) as captured:
            digest = selectors.compose(user=reader, since=since, until=later())
        assert digest.count >= 1
        return len(captured)

    ask(space, asker, "Vraag 0?")
    queries()  # the first also fills the caches every later digest reads
    few = queries()
    for n in range(1, 40):
        ask(space, asker, f"Vraag {n}?")
    assert queries() == few


@pytest.mark.django_db
def test_a_refused_address_fails_alone_and_a_server_that_is_down_is_retried(
    mailbox, forum, settings
):
    space, asker, reader_nl, reader_en = forum
    ask(space, asker)
    mailbox.refuse.add(reader_nl.email.lower())
    results = {
        DigestSend.objects.get(pk=send_id).user_id: services.deliver(send_id=send_id)
        for send_id in services.plan(now=later())
    }
    assert results[reader_nl.pk] == "failed" and results[reader_en.pk] == "sent"
    failed = DigestSend.objects.get(user=reader_nl)
    assert failed.status == SendStatus.FAILED and "refused" in failed.error and not failed.sent_at
    mailbox.wait_for(1)
    assert [m["To"] for m in mailbox.wait_for(1)] == [reader_en.email]
    # Administrators see it.
    admin = AdminFactory()
    from django.test import Client

    client = Client()
    client.force_login(admin)
    assert reader_nl.email in client.get("/digests/admin/", **EN).content.decode()
    # The server is down: the row goes back to waiting, the task is asked to retry.
    from tests.servers import free_port

    settings.EMAIL_PORT = free_port()
    due = later() + datetime.timedelta(hours=2)
    row = DigestSend.objects.create(
        user=reader_en, period="daily:down", due_at=due, since=timezone.now()
    )
    ask(space, asker, "Nog eentje?")
    with pytest.raises(services.RetryLater):
        services.deliver(send_id=row.pk)
    row.refresh_from_db()
    assert row.status == SendStatus.PENDING and row.attempts == 1 and not row.sent_at
    assert services.deliver(send_id=row.pk, final_attempt=True) == "failed"


@pytest.mark.django_db
def test_a_broken_section_is_reported_and_the_rest_still_goes(mailbox, forum):
    space, asker, _reader_nl, reader_en = forum
    ask(space, asker)

    def broken(**kwargs):
        raise KeyError("missing")

    registry.register(registry.Section(key="broken", title="Broken", order=1, collect=broken))
    try:
        send_all()
    finally:
        registry.unregister("broken")
    mailbox.wait_for(2)
    row = DigestSend.objects.get(user=reader_en)
    assert row.status == SendStatus.SENT and "broken: KeyError" in row.error


@pytest.mark.django_db
def test_the_celery_task_sends_and_a_duplicate_does_nothing(mailbox, forum):
    from intranet.digests.tasks import send_digest

    space, asker, _reader_nl, reader_en = forum
    ask(space, asker)
    ids = services.plan(now=later())
    row = DigestSend.objects.get(user=reader_en)
    assert row.pk in ids
    assert send_digest.apply(args=[row.pk]).get() == "sent"
    assert send_digest.apply(args=[row.pk]).get() == "skipped"
    mailbox.wait_for(1)
    assert len([m for m in mailbox.messages if m["To"] == reader_en.email]) == 1


@pytest.mark.django_db
def test_preferences_preview_test_digest_and_outbox(client, mailbox, forum, settings):
    space, asker, reader_nl, reader_en = forum
    ask(space, asker)
    client.force_login(reader_en)
    page = client.get("/digests/preferences/", **EN)
    assert page.status_code == 200 and "Your digest" in page.content.decode()
    bad = client.post(
        "/digests/preferences/",
        {"frequency": "weekly", "weekday": "2", "hour": "9", "time_zone": "Mars/Olympus"},
        **EN,
    )
    assert bad.status_code == 400 and "time zone from the list" in bad.content.decode()
    assert DigestPreference.objects.get(user=reader_en).frequency == "daily"  # unchanged
    assert (
        client.post(
            "/digests/preferences/",
            {"frequency": "weekly", "weekday": "2", "hour": "25", "time_zone": "Europe/Paris"},
        ).status_code
        == 400
    )
    client.post(
        "/digests/preferences/",
        {"frequency": "weekly", "weekday": "2", "hour": "9", "time_zone": "Europe/Paris"},
    )
    saved = DigestPreference.objects.get(user=reader_en)
    assert (saved.frequency, saved.weekday, saved.hour, saved.time_zone) == (
        "weekly",
        2,
        9,
        "Europe/Paris",
    )
    # A test digest to myself.
    client.post("/digests/test/")
    assert mailbox.wait_for(1)[0]["To"] == reader_en.email
    # Administrators only: the overview, previews (audited) and the outbox.
    for url in ("/digests/admin/", f"/digests/admin/?preview={reader_nl.email}",
                "/digests/outbox/"):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post("/digests/admin/", {"preview": reader_nl.email}).status_code == 404
    admin = AdminFactory()
    client.force_login(admin)
    preview = client.post("/digests/admin/", {"preview": reader_nl.email}, **EN)
    assert "Hoe boek ik btw op export?" in preview.content.decode()
    assert AuditEntry.objects.filter(action="digest.preview", actor=admin).count() == 1
    missing = client.post("/digests/admin/", {"preview": "nobody@example.org"}, **EN)
    missing = missing.content.decode()
    assert "No colleague has this email address." in missing
    # The local outbox backend keeps mail for administrators to read.
    settings.EMAIL_BACKEND = "intranet.digests.outbox.OutboxBackend"
    client.force_login(reader_nl)
    client.post("/digests/test/")
    kept = OutboxMessage.objects.get()
    assert kept.to == reader_nl.email and kept.html and "List-Unsubscribe" in kept.headers
    client.force_login(admin)
    assert kept.subject in client.get("/digests/outbox/", **EN).content.decode()
    html_part = client.get(f"/digests/outbox/{kept.pk}/?part=html")
    assert "sandbox" in html_part["Content-Security-Policy"]


@pytest.mark.django_db
def test_questions_in_my_expertise_come_from_any_space_i_may_read(mailbox):
    from profiles.models import Skill

    open_space = SpaceFactory(name="Export")
    closed = SpaceFactory(visibility="private", closed_reason="Klanten")
    asker = MembershipFactory(space=open_space).user
    MembershipFactory(space=closed, user=asker)
    expert = UserFactory(language="en")  # in neither space
    expert.skills.add(Skill.objects.create(name="BTW", slug="btw"))
    daily_now(expert)
    forums.ask(author=asker, space=open_space, kind="question", title="Btw op export?", tags="btw")
    forums.ask(author=asker, space=closed, kind="question", title="Geheime btw-vraag?", tags="btw")
    forums.ask(author=asker, space=open_space, kind="question", title="Over iets anders?")
    send_all()
    text = mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "Btw op export?" in text
    assert "Geheime btw-vraag?" not in text and "Over iets anders?" not in text


@pytest.mark.django_db
def test_what_digests_share_is_picked_per_reader_window_and_language(
    forum, django_capture_on_commit_callbacks
):
    """The window's questions are loaded once for everyone, yet each reader gets only what
    falls in their own window, and their lines in their own language."""
    from forums.models import Topic
    from intranet.digests import selectors

    space, asker, reader_nl, reader_en = forum
    day = timezone.now().astimezone(datetime.UTC).replace(hour=0, minute=0, second=0)
    early = ask(space, asker, "Vraag van vanochtend?")
    late = ask(space, asker, "Vraag van zojuist?")
    Topic.objects.filter(pk=early.pk).update(created_at=day + datetime.timedelta(minutes=1))
    Topic.objects.filter(pk=late.pk).update(created_at=day + datetime.timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        mine = forums.ask(author=reader_en, space=space, kind="question", title="Where is VAT?")
        forums.answer(author=asker, topic=mine, body="In the ledger.")
    until = later()

    def titles(user, since):
        with CaptureQueriesContext(connection) as captured:
            digest = selectors.compose(user=user, since=since, until=until)
        return [item.title for _s, items in digest.sections for item in items], len(captured)

    # Both windows start on the same day, so one shared load; the English reader's starts
    # between the two questions (they joined then, say).
    dutch, first = titles(reader_nl, day)
    english, second = titles(reader_en, day + datetime.timedelta(minutes=2))
    assert "Vraag van vanochtend?" in dutch and "Vraag van zojuist?" in dutch
    assert "Vraag van vanochtend?" not in english and "Vraag van zojuist?" in english
    assert "Where is VAT?" not in dutch  # answered: no longer a question to answer
    assert second < first  # the window was loaded once
    assert any(title.endswith("answered “Where is VAT?”") for title in english)


@pytest.mark.django_db
def test_a_preview_is_a_post_so_an_image_cannot_make_an_administrator_look(forum):
    """<img src="/digests/admin/?preview=someone@..."> in an article fetches with the
    administrator's cookies: it shows the form only and writes nothing in the audit log."""
    import re

    from django.test import Client

    _space, _asker, reader, _reader_en = forum
    admin = AdminFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    page = client.get(f"/digests/admin/?preview={reader.email}", **EN)
    assert page.status_code == 200 and "preview_person" not in page.context
    assert client.post("/digests/admin/", {"preview": reader.email}).status_code == 403
    assert not AuditEntry.objects.filter(action="digest.preview").exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    shown = client.post(
        "/digests/admin/", {"preview": reader.email, "csrfmiddlewaretoken": token.group(1)}, **EN
    )
    assert shown.status_code == 200 and shown.context["preview_person"] == reader
    entry = AuditEntry.objects.get(action="digest.preview")
    assert entry.actor_id == admin.pk and entry.target_id == reader.pk
