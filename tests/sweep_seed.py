"""Seed for the generic leak sweep (tests/test_leak_sweep.py): a secret space, a private space
and an open space whose View was narrowed to members, each holding content of every kind with
a marker ("ZQXSECRET-<kind>-<space>") in its text; an open space everybody may read, with
ordinary content; and the people the sweep acts as. Everything is made through the apps'
services (as in the app), so the handlers produce the derived data (evidence, notifications,
feed items, points, badges, signals) exactly as real use does."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AdminFactory, DepartmentFactory, UserFactory

MARK = "ZQXSECRET"
# The closed spaces: secret, private, open with View narrowed to members, and open with every
# module switched off (its forum, knowledge, boards and stories are closed; its posts are not).
SPACE_CODES = ("secret", "private", "narrowed", "switched")
# What a space shows with every module off: marked in the switched space only when hidden.
MODULE_FREE = {
    "post",
    "postcomment",
    "badge",
    "mention",
    "request",
    "mail",
    "livepost",
    "idea",
    "floorsignal",
}


def mark(kind: str, code: str) -> str:
    """The marker of one kind of content in one space: found in a body, it names the leak.
    Content of the switched space that stays visible (its posts) carries no marker."""
    if code == "switched" and kind in MODULE_FREE:
        return f"Zichtbaar-{kind}-{code}"
    return f"{MARK}-{kind}-{code}"


def png_upload(name: str = "plaatje.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


@dataclass
class Bundle:
    """One seeded space and the ids of everything in it, by the names URL patterns use."""

    code: str
    space: object
    ids: dict = field(default_factory=dict)  # kwarg-like name -> value
    tag: str = ""


@dataclass
class Seed:
    admin: object
    insider: object  # owner of the closed spaces, author of their content
    helper: object  # a second member: answers, moves, comments
    people: dict  # name -> user the sweep acts as
    open_space: object
    bundles: dict  # code -> Bundle, the closed spaces
    open_bundle: Bundle  # the open space everybody reads (the guest: as a member)
    tags: list[str]
    department: object
    challenge_id: int = 0
    tokens: dict = field(default_factory=dict)  # app or view module -> a token its URLs take
    # URL arguments that name no space's content (an access token, a service account): one
    # value each, owned by the insider or the administrator, which outsiders must not reach.
    neutral_ids: dict = field(default_factory=dict)
    # Reverse-mentoring cohorts ("running", "ended") the insider and the helper are paired in,
    # organised by the administrator: {"running": id, "running_pair": id, "ended": id}.
    cohorts: dict = field(default_factory=dict)


def _space(*, actor, name: str, visibility: str, reason: str = ""):
    from intranet.governance import services as governance

    return governance.create_space(
        actor=actor,
        kind="project",
        name=name,
        visibility=visibility,
        closed_reason=reason,
        description=f"{name}: wat hier gebeurt.",
    )


def _member(space, user, role: str = "member"):
    from intranet.governance.models import Membership

    return Membership.objects.get_or_create(space=space, user=user, defaults={"role": role})[0]


def _fill(*, code: str, space, insider, helper, admin, department, text) -> Bundle:
    """Content of every registered kind in `space`, each with its own marker. `text(kind)`
    gives the marker text (the open space passes plain words instead)."""
    from forums import services as forums
    from gamification import services as game
    from intranet.activity import services as activity
    from intranet.moderation import services as moderation
    from knowledge import services as knowledge
    from processes import services as processes

    bundle = Bundle(
        code=code, space=space, tag=f"zqxsecret-{code}" if code in SPACE_CODES else "openbaar"
    )
    ids = bundle.ids
    ids["slug"] = space.slug
    ids["space_pk"] = space.pk
    tags = ["gedeeld", bundle.tag]
    # Badges scoped to the space, made before the content so the content earns them.
    badge = game.save_badge(
        actor=admin,
        badge=None,
        data={
            "name": text("badge"),
            "name_nl": text("badge"),
            "description": text("badge"),
            "description_nl": text("badge"),
            "deed": "answer_posted",
            "bronze": 1,
            "space": str(space.pk),
            "active": True,
        },
    )
    ids["badge_id"] = badge.pk
    post = activity.create_post(author=insider, space=space, body=f"{text('post')} bericht")
    ids["post_id"] = post.pk
    activity.add_comment(author=helper, target=post, body=f"{text('postcomment')} reactie")
    activity.react(user=helper, target=post, kind="like")
    topic = forums.ask(
        author=insider,
        space=space,
        kind="question",
        title=f"{text('question')} vraag over btw",
        body=f"{text('question')} wie weet dit?",
        tags=tags,
    )
    ids["topic_id"] = topic.pk
    answer = forums.answer(author=helper, topic=topic, body=f"{text('answer')} zo doe je dat")
    ids["answer_id"] = answer.pk
    forums.vote(user=insider, answer_id=answer.pk, value=1)
    forums.accept(actor=insider, topic=topic, answer_id=answer.pk)
    forums.comment(author=helper, topic=topic, body=f"{text('topiccomment')} onder de vraag")
    forums.edit_topic(
        actor=insider,
        topic=topic,
        title=f"{text('revision')} vraag over btw",
        body=f"{text('revision')} aangepast",
        tags=tags,
    )
    discussion = forums.ask(
        author=helper,
        space=space,
        kind="discussion",
        title=f"{text('discussion')} gesprek",
        body=f"{text('discussion')} praat mee",
        tags=tags,
    )
    ids["discussion_id"] = discussion.pk
    collection = knowledge.create_collection(actor=insider, space=space, name=text("collection"))
    ids["collection_id"] = collection.pk
    article = knowledge.publish(
        author=insider,
        space=space,
        title=f"{text('article')} handleiding",
        body=f"## {text('article')}\n\nZo werkt het.",
        tags=tags,
        collection=collection,
    )
    ids["article_id"] = article.pk
    article = knowledge.revise(
        actor=insider,
        article=article,
        base_number=article.revision_count,
        title=f"{text('article')} handleiding",
        body=f"## {text('revision')}\n\nNieuwe versie.",
        summary=text("revision"),
    )
    ids["number"] = article.revision_count
    suggestion = knowledge.suggest(
        proposer=helper,
        article=article,
        base_number=article.revision_count,
        title=f"{text('suggestion')} titel",
        body=f"{text('suggestion')} voorstel",
        note=text("suggestion"),
    )
    ids["suggestion_id"] = suggestion.pk
    attachment = knowledge.attach(
        actor=insider,
        article=article,
        upload=text_upload(f"{text('attachment').lower()}.txt", f"{text('attachment')} inhoud"),
    )
    ids["knowledge_attachment_id"] = attachment.pk
    ids["knowledge_attachment_name"] = attachment.name
    board = processes.create_board(
        actor=insider,
        space=space,
        name=f"{text('board')} proces",
        description=text("board"),
        steps=[{"name": f"{text('step')} start"}, {"name": "Overdracht", "department": department}],
    )
    ids["board_id"] = board.pk
    steps = list(board.steps.order_by("position"))
    ids["step_id"] = steps[0].pk
    card = processes.add_card(
        actor=insider,
        board=board,
        title=f"{text('card')} order",
        description=text("card"),
        labels=["spoed"],
    )
    ids["card_id"] = card.pk
    processes.add_check_item(actor=insider, card=card, text=f"{text('checklist')} punt")
    processes.comment(author=helper, target=card, body=f"{text('cardcomment')} op de kaart")
    card_file = processes.attach(
        actor=insider,
        card=card,
        upload=text_upload(f"{text('cardfile').lower()}.txt", f"{text('cardfile')} inhoud"),
    )
    ids["card_attachment_id"] = card_file.pk
    ids["card_attachment_name"] = card_file.name
    pain = processes.flag_pain(
        actor=helper,
        board=board,
        what=f"{text('pain')} het wachten doet pijn",
        frequency="daily",
        impact="high",
        step=steps[0],
    )
    ids["pain_id"] = pain.pk
    processes.comment(author=insider, target=pain, body=f"{text('paincomment')} op de pijn")
    report = None
    for person in (insider, helper):
        report = processes.report_exception(
            reporter=person,
            board=board,
            category="customer_wish",
            text=f"{text('exception')} klant wil iets wat niet kan",
        )
    ids["report_id"] = report.pk
    from intranet.signals.models import Signal

    signal = Signal.objects.filter(
        source="exceptions", object_id__in=board.exception_groups.values("pk")
    ).first()
    ids["signal_id"] = signal.pk if signal else 0
    story = game.publish_story(
        author=insider,
        space=space,
        title=f"{text('story')} succes",
        challenge=f"{text('story')} uitdaging",
        approach=f"{text('story')} aanpak",
        result=f"{text('story')} resultaat",
        people_ids=[helper.pk],
        team_ids=[department.pk],
        images=[png_upload()],
        image_alts=[text("image")],
    )
    ids["story_id"] = story.pk
    ids["image_id"] = story.images.first().pk
    if code in SPACE_CODES:
        moderation.report(
            reporter=insider,
            kind="forums.answer",
            object_id=answer.pk,
            reason="privacy",
            note=text("report"),
        )
    # The card moves on: a hand-off to `department`, told to its members.
    processes.move(actor=helper, card_id=card.pk, to_step_id=steps[1].pk, from_step_id=steps[0].pk)
    from intranet.webhooks import services as webhooks

    subscription, _secret = webhooks.create_subscription(
        actor=insider,
        space=space,
        name=text("webhook"),
        url=f"https://hooks.example.invalid/{text('webhook').replace(' ', '-')}",
        format="generic",
        kinds=["post.created"],
    )
    ids["subscription_id"] = subscription.pk
    # Signals from the floor: an idea in the space's idea box with a "me too", and the post
    # raised as a signal, supported and answered.
    from intranet.signals import services as signals

    said = text("idea")
    idea = signals.post_idea(
        actor=insider, space=space, kind="complaint", title=f"{said} idee", body=f"{said} uitleg"
    )
    signals.support_idea(user=helper, idea_id=idea.pk)
    ids["idea_id"] = idea.pk
    floor = signals.raise_signal(actor=insider, source="post", object_id=post.pk)
    signals.raise_signal(actor=insider, source="idea", object_id=idea.pk)
    signals.support(user=helper, signal_id=floor.pk)
    signals.answer(actor=admin, signal_id=floor.pk, status="review",
                   response=f"{text('floorsignal')} antwoord")  # fmt: skip
    ids["followup_id"] = floor.pk
    return bundle


def _warm(people, *, spaces, topic_ids) -> None:
    """Render, as each person, the pages that cache what they show."""
    from django.test import Client

    urls = [
        "/",
        "/feed/more/",
        "/people/expertise/?topic=gedeeld",
        "/api/expertise/?topic=gedeeld",
        "/search/?q=btw",
        "/forum/unanswered/",
        "/stories/",
        "/signals/",
        "/follow-up/?tab=all",
        "/api/boards/",
        "/notifications/",
        "/api/feed/",
    ]
    urls += [
        f"/spaces/{space.slug}/{part}"
        for space in spaces
        for part in ("", "forum/", "knowledge/", "boards/", "stories/")
    ]
    urls += [f"/forum/topics/{pk}/" for pk in topic_ids]
    for person in people:
        client = Client()
        client.force_login(person)
        for url in urls:
            client.get(url)


def _withdrawn(*, insider, helper, open_space, secret, people) -> None:
    """Content that was open and then was not: a question moved into the secret space, a
    question and an answer hidden by a moderator (the author then tries to edit the answer).
    Everybody saw them first, so caches and derived data (evidence, feeds) hold them."""
    from django.core.exceptions import ValidationError

    from forums import services as forums
    from intranet.moderation import services as moderation

    # Its own open space: the employee co-owns `open_space`, and moderators see what is hidden.
    open_space = _space(actor=insider, name="Plein algemeen", visibility="open")
    for person in (helper, *people):
        _member(open_space, person)
    moved = forums.ask(
        author=insider,
        space=open_space,
        kind="question",
        title=f"{mark('moved', 'secret')} vraag",
        tags=["gedeeld"],
    )
    hidden = forums.ask(
        author=insider,
        space=open_space,
        kind="question",
        title=f"{mark('hiddentopic', 'open')} vraag",
        tags=["gedeeld"],
    )
    plain = forums.ask(
        author=insider,
        space=open_space,
        kind="question",
        title="Gewone vraag met een verborgen antwoord",
        tags=["gedeeld"],
    )
    for topic in (moved, hidden):
        answer = forums.answer(author=helper, topic=topic, body=f"Antwoord op {topic.title}")
        forums.accept(actor=insider, topic=topic, answer_id=answer.pk)
    bad = forums.answer(author=helper, topic=plain, body=mark("hiddenanswer", "open"))
    _warm(people, spaces=[open_space], topic_ids=[moved.pk, hidden.pk, plain.pk])
    forums.move(actor=insider, topic=moved, to_space=secret)
    moderation.hide(
        actor=insider, kind="forums.topic", object_id=hidden.pk, reason="Hoort hier niet"
    )
    moderation.hide(actor=insider, kind="forums.answer", object_id=bad.pk, reason="Hoort hier niet")
    # Refused since issue 19: a hidden answer stays as the moderator left it.
    with contextlib.suppress(ValidationError):
        forums.edit_answer(actor=helper, answer_id=bad.pk, body="Netjes, echt waar")


def seed() -> Seed:
    """Make everything; call with the database open (a test or a fixture)."""
    from celery import current_app

    from intranet.celery import app
    from intranet.core import ratelimit

    app.conf.task_always_eager = True
    try:
        # A whole organisation's content in seconds: faster than any person may write.
        with ratelimit.unlimited():
            return _seed()
    finally:
        app.conf.task_always_eager = False
        current_app.conf.task_always_eager = False


def _seed() -> Seed:
    from forums import services as forums
    from gamification import defaults
    from intranet.activity import services as activity
    from intranet.digests.models import OutboxMessage
    from intranet.governance import services as governance
    from processes import services as processes

    defaults.ensure()  # point rules and the default badges, as the app starts with
    admin = AdminFactory(first_name="Beheer", last_name="Sweep")
    insider = UserFactory(first_name="Ida", last_name="Binnen")
    helper = UserFactory(first_name="Hans", last_name="Helper")
    employee = UserFactory(first_name="Eric", last_name="Buiten")
    reader = UserFactory(first_name="Rita", last_name="Lezer")
    guest = UserFactory(first_name="Gijs", last_name="Gast", org_role="guest")
    gone = UserFactory(first_name="Dirk", last_name="Vertrokken")
    # The top of the organisation: its manager owns signals by default. The employee outside
    # the closed spaces manages it, and the boards hand cards off to it.
    top = DepartmentFactory(name="Directie", slug="directie", manager=employee)
    for person in (insider, helper, employee, gone):
        governance.set_department_of(actor=admin, user=person, department=top)
    processes.configure_signals(
        actor=admin, min_reports=2, min_people=2, window_days=30, response_days=7, similarity=0.3
    )

    open_space = _space(actor=insider, name="Plein open", visibility="open")
    for person in (helper, reader, guest, gone):
        _member(open_space, person)
    # The employee co-owns the open space: its settings, board settings and moderation pages
    # (with their lists of spaces to share with or move to) render for them.
    _member(open_space, employee, role="owner")
    secret = _space(
        actor=insider,
        name=f"{mark('space', 'secret')} Reorganisatie",
        visibility="secret",
        reason="Personele gevolgen.",
    )
    private = _space(
        actor=insider,
        name="Besloten onderhandeling",
        visibility="private",
        reason="Contract loopt nog.",
    )
    narrowed = _space(actor=insider, name="Versmald team", visibility="open")
    switched = _space(actor=insider, name="Zonder modules", visibility="open")
    for space in (secret, private, narrowed, switched):
        _member(space, helper)
        _member(space, gone)
    # While still members, the employee (secret space) and the reader (narrowed space) follow
    # things; then they leave or are narrowed away, and what follows must not reach them.
    _member(secret, employee)
    _member(narrowed, reader)
    spaces = {"secret": secret, "private": private, "narrowed": narrowed, "switched": switched}
    bundles = {}
    for code, space in spaces.items():
        bundles[code] = _fill(
            code=code,
            space=space,
            insider=insider,
            helper=helper,
            admin=admin,
            department=top,
            text=lambda kind, code=code: mark(kind, code),
        )
    visible = _fill(
        code="open",
        space=open_space,
        insider=insider,
        helper=helper,
        admin=admin,
        department=top,
        text=lambda kind: f"Openbaar {kind}",
    )
    from forums.models import Topic
    from processes.models import Card

    for code, follower in (("secret", employee), ("narrowed", reader)):
        bundle = bundles[code]
        topic = Topic.objects.get(pk=bundle.ids["topic_id"])
        forums.follow_topic(user=follower, topic=topic)
        processes.watch(actor=follower, card=Card.objects.get(pk=bundle.ids["card_id"]), on=True)
        forums.follow_tag(user=follower, tag_slug=bundle.tag)
    for person in (employee, reader, gone):  # guests follow nobody
        activity.follow(follower=person, followee=insider)
    # What they saw while they could is in the caches now (feeds, pages, expertise); once they
    # lose access, none of it may be served to them again.
    _warm(
        [employee, reader],
        spaces=[secret, narrowed],
        topic_ids=[bundles["secret"].ids["topic_id"], bundles["narrowed"].ids["topic_id"]],
    )
    governance.remove_member(actor=insider, space=secret, user=employee)
    governance.set_space_matrix(
        actor=insider, space=narrowed, matrix={"view": ["owner", "moderator", "member"]}
    )
    governance.change_member_role(actor=insider, space=narrowed, user=reader, role="reader")
    # After they lost access: more happens that followers, watchers and mentioned people used
    # to hear of.
    handles = " ".join("@" + p.email.split("@")[0] for p in (employee, reader, guest, gone, helper))
    for code, bundle in bundles.items():
        topic = Topic.objects.get(pk=bundle.ids["topic_id"])
        forums.answer(author=helper, topic=topic, body=f"{mark('later', code)} nog een {handles}")
        activity.create_post(
            author=insider, space=bundle.space, body=f"{mark('mention', code)} kijk even {handles}"
        )
        card = Card.objects.get(pk=bundle.ids["card_id"])
        steps = list(card.board.steps.order_by("position"))
        processes.move(
            actor=insider, card_id=card.pk, to_step_id=steps[0].pk, from_step_id=card.step_id
        )
        processes.move(
            actor=insider, card_id=card.pk, to_step_id=steps[1].pk, from_step_id=steps[0].pk
        )
        forums.ask(
            author=insider,
            space=bundle.space,
            kind="question",
            title=f"{mark('tagged', code)} nieuwe vraag",
            tags=[bundle.tag, "gedeeld"],
        )
    _withdrawn(
        insider=insider,
        helper=helper,
        open_space=open_space,
        secret=secret,
        people=[employee, reader, guest],
    )
    # A board of the open space shared with the closed spaces: its share list names them.
    from processes.models import Board

    open_board = Board.objects.get(pk=visible.ids["board_id"])
    processes.share(actor=insider, board=open_board, spaces=list(spaces.values()))
    # Last, the switched space loses its modules: what they held is closed from now on.
    governance.update_space(
        actor=insider,
        space=switched,
        name=switched.name,
        description=switched.description,
        visibility="open",
        modules=[],
    )
    # Someone asked to join the private space; a digest mail kept in the outbox.
    request = governance.request_membership(
        user=UserFactory(first_name="Vera", last_name="Vraagt"),
        space=private,
        message=mark("request", "private"),
    )
    bundles["private"].ids["request_id"] = request.pk
    message = OutboxMessage.objects.create(
        to=insider.email,
        subject=mark("mail", "secret"),
        text=mark("mail", "secret"),
        html=f"<p>{mark('mail', 'secret')}</p>",
    )
    for bundle in bundles.values():
        bundle.ids.setdefault("request_id", request.pk)
        bundle.ids["message_id"] = message.pk
    from intranet.activity.models import Notification

    for bundle in bundles.values():
        own = Notification.objects.filter(recipient=insider).order_by("-pk").first()
        bundle.ids["notification_id"] = own.pk if own else 0
    # Leaders' announcements (issue 22): the director (the employee manages the top) to
    # everyone, and the insider, managing a unit below the top that none of the sweep's people
    # is in, to that unit alone: its text reaches nobody the sweep acts as, on any page, the
    # insider's profile and list of updates included.
    from django.utils import timezone

    unit = DepartmentFactory(
        name="Projectbureau", slug="projectbureau", parent=top, manager=insider
    )
    activity.publish_announcement(
        author=employee,
        title="Openbaar bericht van de directie",
        body="Openbaar announcement",
        expires_at=timezone.now() + timezone.timedelta(days=30),
    )
    unit_only = activity.publish_announcement(
        author=insider,
        title=mark("announcement", "unit"),
        body=f"{mark('announcement', 'unit')} alleen voor het projectbureau",
        department=unit,
        expires_at=timezone.now() + timezone.timedelta(days=30),
    )
    from forums.models import Tag
    from insights import services as insights

    insights.refresh()  # the insights pages show figures, not an empty state
    invitation_id = _leadership(admin=admin, insider=insider, department=top)
    people = {"employee": employee, "reader": reader, "guest": guest, "deactivated": gone}
    return Seed(
        admin=admin,
        insider=insider,
        helper=helper,
        people=people,
        open_space=open_space,
        bundles=bundles,
        open_bundle=visible,
        tags=list(Tag.objects.values_list("slug", flat=True)),
        department=top,
        cohorts=_cohorts(admin=admin, insider=insider, helper=helper),
        # An announcement none of the sweep's people may open (its URL must answer 404).
        neutral_ids={"announcement_id": unit_only.pk, "invitation_id": invitation_id},
    )


def _leadership(*, admin, insider, department) -> int:
    """An invitation to the insider (the administrator's reason marked: only the insider and
    administrators may read it), and the insider as an ambassador with a marked note in their
    log (theirs alone). Returns the id of a second invitation, still waiting, whose address
    the sweep's people must not reach. The invitations are rows, not services.invite_leader:
    that needs person-level insights switched on, which would change every insights page."""
    from decimal import Decimal

    from django.utils import timezone

    from gamification import services as game
    from gamification.models import LeadershipInvitation

    LeadershipInvitation.objects.create(
        person=insider, invited_by=admin, kind="ambassador", reason=mark("invitation", "insider"),
        status="accepted", answered_at=timezone.now(),
    )  # fmt: skip
    game.appoint_ambassador(actor=admin, user=insider, department=department)
    game.log_ambassador_activity(
        actor=insider, kind="session", date=timezone.localdate(), hours=Decimal("1.5"),
        note=mark("ambassadorlog", "insider"),
    )  # fmt: skip
    waiting = LeadershipInvitation.objects.create(
        person=insider, invited_by=admin, kind="mentoring", reason=mark("invitation", "waiting")
    )
    return waiting.pk


def _cohorts(*, admin, insider, helper) -> dict:
    """Two reverse-mentoring cohorts of the administrator's with the insider (senior) and the
    helper (junior) as their one pair, accepted: one ended and evaluated by the helper (what
    they learned shared with the organiser), one running with a logged session. Name, goals,
    notes and learning are marked: none of the sweep's people is organiser or participant."""
    from datetime import timedelta

    from django.utils import timezone

    from profiles import services as profiles

    today = timezone.localdate()
    found = {}
    for code, topic in (("ended", "Sociale media"), ("running", "Digitaal werken")):
        cohort = profiles.create_cohort(
            actor=admin,
            name=mark("cohort", code),
            goals=f"{mark('cohortgoals', code)} samen leren",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=30),
        )
        (pair,) = profiles.add_cohort_pairs(
            actor=admin,
            cohort_id=cohort.pk,
            rows=[{"senior": insider.email, "junior": helper.email, "topic": topic}],
        )
        for person in (insider, helper):
            profiles.decide_mentoring(actor=person, pair_id=pair.pk, accept=True)
        profiles.log_session(
            actor=helper,
            cohort_id=cohort.pk,
            pair_id=pair.pk,
            held_on=today - timedelta(days=2),
            notes=mark("cohortnotes", code),
        )
        found[code] = cohort.pk
        found[f"{code}_pair"] = pair.pk
    profiles.end_cohort(actor=admin, cohort_id=found["ended"])
    profiles.submit_evaluation(
        actor=helper,
        cohort_id=found["ended"],
        rating=4,
        what_learned=mark("cohortlearning", "ended"),
        would_recommend=True,
        share_learning=True,
    )
    return found
