"""Replying to a notification email posts the answer or comment (issue: inbound email):
through the MTA pipe (manage.py receive_email) and the HTTP endpoint, with a real SMTP server
on loopback carrying the notification; forged, expired, mismatched and no-longer-allowed
replies are refused and post nothing."""

from __future__ import annotations

import time
from email.utils import parseaddr

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from forums.models import Answer
from intranet.activity import services as activity
from intranet.activity.models import Comment
from intranet.governance import services as governance
from intranet.inbound import services as receiving
from intranet.inbound import tokens
from intranet.inbound.models import InboundMessage
from tests.factories import MembershipFactory, SpaceFactory, UserFactory
from tests.inbound.mail import DOMAIN, SECRET, pipe, reply

pytestmark = pytest.mark.django_db
NEW_TEXT = "Dank je, dat werkt!\n\nIk boek het zo."


def post_raw(client, raw: bytes, *, secret: str | None = SECRET, content_type="message/rfc822"):
    headers = {"HTTP_X_PLEIN_INBOUND_SECRET": secret} if secret is not None else {}
    return client.post(reverse("inbound:email"), data=raw, content_type=content_type, **headers)


def asker_answers(answered):
    return Answer.objects.filter(topic=answered["topic"], author=answered["asker"])


# --- The notification carries a signed reply address ------------------------------------------


def test_the_answer_notification_has_a_signed_reply_address(answered):
    mail, asker, topic = answered["mail"], answered["asker"], answered["topic"]
    assert mail["To"] == asker.email
    _name, address = parseaddr(mail["Reply-To"])
    local, _at, host = address.partition("@")
    assert host == DOMAIN.lower() and local.startswith("reply+") and len(local) <= 64
    token = tokens.read_token(local.removeprefix("reply+"))
    assert (token.kind, token.target_id, token.user_id) == ("answer", topic.pk, asker.pk)
    assert not token.expired
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Reply to this email to post an answer.")  # the asker reads English
    assert mail["Auto-Submitted"] == "auto-generated"


def test_no_reply_address_when_inbound_email_is_not_set_up(
    settings, mailbox, eager, django_capture_on_commit_callbacks
):
    settings.PLEIN_INBOUND_EMAIL_DOMAIN = ""
    space = SpaceFactory()
    asker, expert = MembershipFactory(space=space).user, MembershipFactory(space=space).user
    from forums import services as forums

    topic = forums.ask(author=asker, space=space, kind="question", title="Waar staat de printer?")
    with django_capture_on_commit_callbacks(execute=True):
        forums.answer(author=expert, topic=topic, body="Op de tweede verdieping.")
    mail = mailbox.wait_for(1)[-1]
    assert mail["Reply-To"] is None
    assert "Reply to this email" not in mail.get_body(preferencelist=("plain",)).get_content()


# --- Posting ----------------------------------------------------------------------------------


def test_a_reply_through_the_mta_pipe_posts_only_the_new_text(answered, monkeypatch):
    raw = reply(answered["mail"], NEW_TEXT, sender=answered["asker"].email.upper())
    assert pipe(raw, monkeypatch) == 0
    answer = asker_answers(answered).get()
    assert answer.body == NEW_TEXT  # no quoted notification, no "On ... wrote:"
    record = InboundMessage.objects.get()
    assert record.posted and record.reason == "posted" and record.user == answered["asker"]
    assert record.url == answer.get_absolute_url()


def test_a_reply_through_the_endpoint_posts_the_answer(answered):
    # A lower-cased address (some mail systems do that) is the same address.
    to = answered["mail"]["Reply-To"].lower()
    raw = reply(answered["mail"], NEW_TEXT, to=to)
    client = Client(enforce_csrf_checks=True)  # no session, no CSRF token: the secret is the proof
    response = post_raw(client, raw)
    assert response.status_code == 200, response.content
    answer = asker_answers(answered).get()
    assert response.json()["status"] == "posted"
    assert response.json()["url"].endswith(answer.get_absolute_url())
    assert answer.body == NEW_TEXT


def test_an_html_only_reply_is_turned_into_text_without_the_quote(answered):
    mail = answered["mail"]
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = answered["asker"].email
    message["To"] = mail["Reply-To"]
    message["Subject"] = "Re: " + mail["Subject"]
    message.set_content(
        "<html><body><div dir='ltr'>Klopt, <b>bedankt</b>!<br>Groet</div>"
        "<div class='gmail_quote'><div>On Mon wrote:</div><blockquote>Tarief 0%"
        "<blockquote>nested</blockquote> nog meer</blockquote></div></body></html>",
        subtype="html",
    )
    assert receiving.receive(raw=message.as_bytes()).posted
    assert asker_answers(answered).get().body == "Klopt, bedankt!\nGroet"


def test_a_reply_to_a_mention_in_a_post_becomes_a_comment(
    inbound, mailbox, eager, django_capture_on_commit_callbacks, monkeypatch
):
    space = SpaceFactory()
    author = MembershipFactory(space=space).user
    lisa = MembershipFactory(
        space=space, user=UserFactory(email="lisa.koster@plein.example", language="nl")
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        post = activity.create_post(author=author, space=space, body="@lisa.koster kijk je mee?")
    mail = mailbox.wait_for(1)[-1]
    assert mail["To"] == lisa.email and mail["Reply-To"]
    # The hint is in Lisa's language (whatever the catalogue says for it).
    with translation.override("nl"):
        hint = _("Reply to this email to comment on the post.")
    assert mail.get_body(preferencelist=("plain",)).get_content().startswith(hint)
    assert pipe(reply(mail, "Ja, morgen!"), monkeypatch) == 0
    comment = Comment.objects.get(author=lisa)
    assert comment.object_id == post.pk and comment.body == "Ja, morgen!"


def test_a_message_delivered_twice_is_posted_once(answered, monkeypatch):
    raw = reply(answered["mail"], NEW_TEXT)
    assert pipe(raw, monkeypatch) == 0
    assert pipe(raw, monkeypatch) == 0
    assert asker_answers(answered).count() == 1
    assert list(InboundMessage.objects.order_by("pk").values_list("reason", flat=True)) == [
        "posted",
        "duplicate",
    ]


def test_the_rate_limit_applies_and_asks_the_mta_to_retry(answered, settings, monkeypatch):
    settings.PLEIN_RATE_LIMITS = {"write": {"member": "1/minute"}}
    assert pipe(reply(answered["mail"], "Eerste."), monkeypatch) == 0
    assert pipe(reply(answered["mail"], "Tweede."), monkeypatch) == 75  # EX_TEMPFAIL: later
    assert list(asker_answers(answered).values_list("body", flat=True)) == ["Eerste."]
    response = post_raw(Client(), reply(answered["mail"], "Derde."))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert asker_answers(answered).count() == 1


# --- Refused: nothing is posted ---------------------------------------------------------------


def refused(answered, raw, reason, monkeypatch) -> InboundMessage:
    before = Answer.objects.count()
    assert pipe(raw, monkeypatch) == 0  # handled: the MTA must not bounce it to a forger
    response = post_raw(Client(), raw)
    assert response.status_code == 422, response.content
    assert response.json() == {
        "status": "refused",
        "reason": reason,
        "detail": response.json()["detail"],
    }
    assert Answer.objects.count() == before
    records = list(InboundMessage.objects.order_by("pk"))
    assert [r.reason for r in records] == [reason, reason] and not any(r.posted for r in records)
    return records[-1]


def test_a_forged_signature_is_refused(answered, monkeypatch):
    local, host = answered["mail"]["Reply-To"].split("@")
    last = local[-1]
    forged = f"{local[:-1]}{'a' if last != 'a' else 'b'}@{host}"
    refused(answered, reply(answered["mail"], NEW_TEXT, to=forged), "forged", monkeypatch)


def test_a_token_changed_to_name_another_topic_is_refused(answered, monkeypatch):
    other = answered["topic"].pk + 1
    local, host = answered["mail"]["Reply-To"].split("@")
    kind, _target, *rest = local.removeprefix("reply+").split(".")
    changed = f"reply+{kind}.{tokens._b36(other)}.{'.'.join(rest)}@{host}"
    refused(answered, reply(answered["mail"], NEW_TEXT, to=changed), "forged", monkeypatch)


def test_another_persons_address_from_a_different_sender_is_refused(answered, monkeypatch, mailbox):
    # The expert (or anyone) replies to the asker's address: the From is not the asker's.
    raw = reply(answered["mail"], "Ik doe me voor als de vrager.", sender=answered["expert"].email)
    record = refused(answered, raw, "sender", monkeypatch)
    assert record.user == answered["asker"]
    time.sleep(0.2)
    assert len(mailbox.messages) == 1  # nobody is written to about a forged message


def test_an_unverified_address_of_the_person_is_refused(answered, monkeypatch):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=answered["asker"]).update(verified=False)
    refused(answered, reply(answered["mail"], NEW_TEXT), "sender", monkeypatch)


def test_an_expired_address_is_refused_and_the_sender_is_told(answered, monkeypatch, mailbox):
    asker, topic = answered["asker"], answered["topic"]
    old = time.time() - 31 * 24 * 3600
    address = tokens.reply_address(user_id=asker.pk, kind="answer", target_id=topic.pk, now=old)
    refused(answered, reply(answered["mail"], NEW_TEXT, to=address), "expired", monkeypatch)
    told = mailbox.wait_for(2)[1]
    assert told["To"] == asker.email and told["Subject"] == "Your reply was not posted"
    assert told["Auto-Submitted"] == "auto-replied"
    assert "expired" in told.get_body(preferencelist=("plain",)).get_content()


def test_an_unknown_target_is_refused(answered, monkeypatch):
    asker = answered["asker"]
    missing = tokens.reply_address(user_id=asker.pk, kind="answer", target_id=987654321)
    refused(answered, reply(answered["mail"], NEW_TEXT, to=missing), "no_access", monkeypatch)


def test_an_unknown_kind_is_refused(answered, monkeypatch):
    asker, topic = answered["asker"], answered["topic"]
    nothing = tokens.reply_address(user_id=asker.pk, kind="nothing", target_id=topic.pk)
    refused(answered, reply(answered["mail"], NEW_TEXT, to=nothing), "unknown_target", monkeypatch)


def test_an_empty_reply_is_refused(answered, monkeypatch):
    refused(answered, reply(answered["mail"], "\n   \n"), "empty", monkeypatch)


def test_an_out_of_office_reply_is_not_posted(answered, monkeypatch):
    raw = reply(
        answered["mail"], "Ik ben tot maandag afwezig.", headers={"Auto-Submitted": "auto-replied"}
    )
    refused(answered, raw, "automatic", monkeypatch)


def test_a_deactivated_account_cannot_reply(answered, monkeypatch):
    type(answered["asker"]).objects.filter(pk=answered["asker"].pk).update(is_active=False)
    refused(answered, reply(answered["mail"], NEW_TEXT), "no_access", monkeypatch)


def test_who_lost_access_to_a_secret_space_cannot_reply(
    inbound, mailbox, eager, django_capture_on_commit_callbacks, monkeypatch
):
    from forums import services as forums

    secret = SpaceFactory(visibility="secret", closed_reason="vertrouwelijk")
    owner = MembershipFactory(space=secret, role="owner").user
    asker = MembershipFactory(space=secret).user
    topic = forums.ask(author=asker, space=secret, kind="question", title="Wie krijgt de bonus?")
    with django_capture_on_commit_callbacks(execute=True):
        forums.answer(author=owner, topic=topic, body="Dat bespreken we later.")
    mail = mailbox.wait_for(1)[-1]
    assert mail["Reply-To"]
    governance.remove_member(actor=owner, space=secret, user=asker)
    assert pipe(reply(mail, "Vertel!"), monkeypatch) == 0
    assert not Answer.objects.filter(author=asker).exists()
    assert InboundMessage.objects.get().reason == "no_access"
    # Told by email (the sender is genuine), without naming what it was about.
    told = mailbox.wait_for(2)[1]
    text = told.get_body(preferencelist=("plain",)).get_content()
    assert told["To"] == asker.email and "bonus" not in text and "bonus" not in told["Subject"]


# --- Garbage: a clear refusal, never an error page -------------------------------------------


HEADERS_ONLY = (
    b"From: x@y\r\nTo: reply+answer.1.1.1.aaaaaaaaaaaaaaaa@antwoord.plein.example\r\n\r\n"
)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "unreadable"),
        (b"\x00\x01\x02 binary", "unreadable"),
        (b"Subject: hi\r\n\r\nno sender", "unreadable"),
        (b"From: a@b\r\nTo: hello\x00@x\r\n\r\nNUL", "unreadable"),
        (b"\xff\xfe\xfd not even text", "unreadable"),
        (b"From: <<<@@@>>>\r\nTo: ,,,;;;\r\n\r\nbody", "no_address"),
        (b"From: a@b\r\nTo: reply+@antwoord.plein.example\r\n\r\nbody", "no_address"),
        (HEADERS_ONLY, "forged"),
        (b"From: \xe9\xe9 <a@b>\r\nTo: reply+\xff@antwoord.plein.example\r\n\r\n\xff", "forged"),
    ],
)
def test_garbage_is_refused_clearly(inbound, client, raw, reason, monkeypatch):
    outcome = receiving.receive(raw=raw)
    assert (outcome.posted, outcome.reason) == (False, reason) and outcome.message
    assert pipe(raw, monkeypatch) == 0
    response = post_raw(client, raw, content_type="text/plain")
    assert response.status_code == 422 and response.json()["reason"] == reason


def test_a_huge_message_is_refused(inbound, answered, monkeypatch):
    raw = reply(answered["mail"], "x" * (receiving.max_bytes() + 10))
    assert receiving.receive(raw=raw).reason == "too_large"
    assert pipe(raw, monkeypatch) == 0
    assert post_raw(Client(), raw).status_code == 413  # refused from its length, unread
    assert not asker_answers(answered).exists()


# --- The endpoint's door ----------------------------------------------------------------------


def test_the_endpoint_does_not_exist_without_a_secret(settings, answered, client):
    settings.PLEIN_INBOUND_EMAIL_SECRET = ""
    raw = reply(answered["mail"], NEW_TEXT)
    assert post_raw(client, raw).status_code == 404
    assert post_raw(client, raw, secret="").status_code == 404
    assert not asker_answers(answered).exists()


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()])
def test_the_endpoint_refuses_a_wrong_or_missing_secret(answered, secret):
    response = post_raw(Client(), reply(answered["mail"], NEW_TEXT), secret=secret)
    assert response.status_code == 403
    assert not asker_answers(answered).exists() and not InboundMessage.objects.exists()


def test_the_endpoint_takes_only_raw_messages_by_post(answered, client):
    assert (
        client.get(reverse("inbound:email"), HTTP_X_PLEIN_INBOUND_SECRET=SECRET).status_code == 405
    )
    response = post_raw(client, b'{"a": 1}', content_type="application/json")
    assert response.status_code == 415
    assert not InboundMessage.objects.exists()


def test_damaged_messages_never_raise(answered, settings):
    """Damaged copies of a genuine reply (bytes flipped, cut short, lines
    repeated): each is posted or refused with a reason, none raises."""
    import random

    from intranet.inbound.models import Reason

    raw = reply(answered["mail"], NEW_TEXT, html="<p>Dank <b>je</b></p><blockquote>x</blockquote>")
    settings.PLEIN_INBOUND_EMAIL_BOUNCE = False  # no notes to write: this is about parsing
    rng = random.Random(20240603)
    reasons = set()
    for _round in range(80):
        damaged = bytearray(raw)
        for _flip in range(rng.randint(1, 12)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.3:
            damaged = damaged[: rng.randrange(len(damaged))]
        if rng.random() < 0.2:
            lines = bytes(damaged).split(b"\n")
            at = rng.randrange(len(lines))
            damaged = bytearray(b"\n".join(lines[:at] + [lines[at]] * 50 + lines[at:]))
        outcome = receiving.receive(raw=bytes(damaged))
        assert outcome.reason in Reason.values and outcome.message
        reasons.add(outcome.reason)
    assert len(reasons) >= 3, reasons
