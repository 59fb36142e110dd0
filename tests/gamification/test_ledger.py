"""The points ledger: an event pays once however often it is delivered, a removal is a
reversal entry, the daily cap holds, and nobody earns from acting on their own content. Points
arrive from the content apps' events after commit."""

import pytest

from gamification import selectors, services
from gamification.models import LedgerEntry, PointRule
from tests.factories import MembershipFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def total(user) -> int:
    return selectors.total_of(user_id=user.pk)


def test_a_replayed_event_pays_once_and_a_reversal_takes_it_back():
    person = UserFactory()
    assert services.award(user_id=person.pk, rule_key="answer_accepted", event_key="answer:1")
    assert (
        services.award(user_id=person.pk, rule_key="answer_accepted", event_key="answer:1") is None
    )
    assert total(person) == 15 and LedgerEntry.objects.count() == 1
    undo = services.reverse(rule_key="answer_accepted", event_key="answer:1")
    assert undo.points == -15 and total(person) == 0
    assert services.reverse(rule_key="answer_accepted", event_key="answer:1") is None
    assert LedgerEntry.objects.count() == 2  # nothing deleted: the history shows both


def test_the_daily_cap_and_no_points_for_ones_own_content():
    person = UserFactory()
    for n in range(8):  # 2 points each, at most 10 a day
        services.award(user_id=person.pk, rule_key="question_asked", event_key=f"topic:{n}")
    assert total(person) == 10 and LedgerEntry.objects.count() == 5
    assert (
        services.award(
            user_id=person.pk, rule_key="answer_accepted", event_key="answer:9", actor_id=person.pk
        )
        is None
    )
    PointRule.objects.filter(key="answer_accepted").update(active=False)
    services.forget_settings(everywhere=True)  # rules are cached; the ORM went around that
    assert (
        services.award(user_id=person.pk, rule_key="answer_accepted", event_key="answer:9") is None
    )
    assert total(person) == 10


def test_accepting_an_answer_pays_its_author_and_another_accept_moves_the_points(
    django_capture_on_commit_callbacks,
):
    from forums import services as forums

    space = SpaceFactory()
    asker = MembershipFactory(space=space).user
    first, second = (MembershipFactory(space=space).user for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        topic = forums.ask(author=asker, space=space, kind="question", title="Waar is de VPN?")
    assert total(asker) == 2
    answers = [forums.answer(author=p, topic=topic, body="In Intune") for p in (first, second)]
    with django_capture_on_commit_callbacks(execute=True):
        forums.accept(actor=asker, topic=topic, answer_id=answers[0].pk)
    assert total(first) == 15
    with django_capture_on_commit_callbacks(execute=True):
        forums.accept(actor=asker, topic=topic, answer_id=answers[1].pk)
    assert total(first) == 0 and total(second) == 15


def test_hidden_content_loses_its_points_and_gets_them_back_when_restored(
    django_capture_on_commit_callbacks,
):
    from forums import services as forums
    from intranet.moderation import services as moderation

    space = SpaceFactory()
    owner = MembershipFactory(space=space, role="owner").user
    asker, helper = (MembershipFactory(space=space).user for _ in range(2))
    topic = forums.ask(author=asker, space=space, kind="question", title="Waar is de VPN?")
    answer = forums.answer(author=helper, topic=topic, body="In Intune")
    with django_capture_on_commit_callbacks(execute=True):
        forums.accept(actor=asker, topic=topic, answer_id=answer.pk)
    assert total(helper) == 15
    for hide, expected in ((True, 0), (False, 15), (True, 0)):
        call = moderation.hide if hide else moderation.restore
        with django_capture_on_commit_callbacks(execute=True):
            call(actor=owner, kind="forums.answer", object_id=answer.pk, reason="Klopt niet")
        assert total(helper) == expected
    # Every step is in the ledger: award, reversal, restoration, reversal.
    assert list(
        LedgerEntry.objects.filter(user=helper).order_by("pk").values_list("points", flat=True)
    ) == [15, -15, 15, -15]


def test_a_solved_pain_point_pays_who_flagged_it(django_capture_on_commit_callbacks):
    from processes import services as processes

    space = SpaceFactory()
    lead = MembershipFactory(space=space, role="owner").user
    flagger = MembershipFactory(space=space).user
    board = processes.create_board(
        actor=lead, space=space, name="Inkoop", steps=[{"name": "Aanvraag"}]
    )
    pain = processes.flag_pain(
        actor=flagger,
        board=board,
        what="Dubbel invoeren in Exact",
        frequency="daily",
        impact="low",
        step=board.steps.get(),
    )
    for status, expected in (
        ("solving", 0),
        ("solved", 8),
        ("solved", 8),
        ("open", 0),
        ("solved", 8),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            processes.set_pain_status(actor=lead, pain_point_id=pain.pk, status=status)
        assert total(flagger) == expected, status
    assert total(lead) == 0


def test_my_points_over_the_api_are_mine_only(client, query_budget):
    person, other = UserFactory(), UserFactory()
    services.award(user_id=person.pk, rule_key="answer_accepted", event_key="answer:1")
    services.award(user_id=other.pk, rule_key="answer_accepted", event_key="answer:2")
    services.reverse(rule_key="answer_accepted", event_key="answer:1")
    client.force_login(person)
    with query_budget(6):
        data = client.get("/api/me/points/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["total"] == 0
    assert [(e["points"], e["reversal"]) for e in data["history"]] == [(-15, True), (15, False)]
    assert data["history"][0]["label"] == "An answer was accepted"
    client.logout()
    assert client.get("/api/me/points/").status_code == 401  # not signed in


def test_administrators_edit_the_rules_and_bad_values_save_nothing(client):
    from intranet.governance.models import AuditEntry
    from tests.factories import AdminFactory

    url = "/points/rules/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    assert "An answer was accepted" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rules = {r.key: r for r in PointRule.objects.all()}
    base = {}
    for rule in rules.values():
        base |= {
            f"rule-{rule.pk}-points": rule.points,
            f"rule-{rule.pk}-cap": rule.daily_cap,
            f"rule-{rule.pk}-pair": rule.pair_cap or "",
            f"rule-{rule.pk}-active": "1",
        }
    accepted, asked = rules["answer_accepted"], rules["question_asked"]
    bad = client.post(
        url,
        {**base, f"rule-{accepted.pk}-points": "20", f"rule-{asked.pk}-points": "-3"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "points from 0 to 1,000" in bad.content.decode()
    assert 'value="-3"' in bad.content.decode()  # what was typed stays, to correct it
    assert PointRule.objects.get(pk=accepted.pk).points == 15  # nothing saved
    # Every rule keeps a daily cap (and an accept its cap per pair): empty is refused too.
    for field in (f"rule-{asked.pk}-cap", f"rule-{accepted.pk}-pair"):
        refused = client.post(url, {**base, f"rule-{accepted.pk}-points": "20", field: ""})
        assert refused.status_code == 400
        assert PointRule.objects.get(pk=accepted.pk).points == 15
    client.post(
        url,
        {
            **base,
            f"rule-{accepted.pk}-points": "20",
            f"rule-{accepted.pk}-pair": "30",
            f"rule-{asked.pk}-cap": "4",
            f"rule-{asked.pk}-active": "",
        },
    )
    accepted.refresh_from_db()
    asked.refresh_from_db()
    assert accepted.points == 20 and accepted.pair_cap == 30
    assert not asked.active and asked.daily_cap == 4 and asked.pair_cap is None
    entry = AuditEntry.objects.filter(action="points.rule").order_by("pk").first()
    assert entry.before["points"] == 15 and entry.after["points"] == 20
