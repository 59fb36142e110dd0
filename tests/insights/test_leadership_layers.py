"""Leadership participation (issue 22, part 4): who is a director, a manager or on the floor
(insights.layers, on a hand-made tree), each layer's share who took part in the open with
known answers, layers smaller than the minimum group never shown as a number, the leaders'
own activity per department, the phase rule "leaders take part" with a silent and an active
manager, and its threshold on the settings page (bad input refused, nothing saved)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from forums.models import Answer, Topic
from insights import charts, layers, phases, selectors, services
from insights.models import InsightSettings, Layer, LayerRecord, Phase
from intranet.activity.models import Comment, Post
from intranet.governance.models import AuditEntry
from intranet.tokens.models import ServiceAccount
from processes.models import Board, ExceptionGroup
from tests.factories import AdminFactory, DepartmentFactory, SpaceFactory, UserFactory
from tests.helpers import exception_signal

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def ago(days: float):
    return timezone.now() - days * DAY


def topic(space, author, *, days: float = 3) -> Topic:
    return Topic.objects.create(space=space, author=author, kind="question", title="Hoe?",
                                language="nl", created_at=ago(days))  # fmt: skip


def answer(on: Topic, author, *, days: float = 2) -> Answer:
    return Answer.objects.create(topic=on, author=author, body="Zo.", created_at=ago(days))


def post(space, author, *, days: float = 2) -> Post:
    found = Post.objects.create(space=space, author=author, body="Nieuws", body_html="<p>N</p>")
    Post.objects.filter(pk=found.pk).update(created_at=ago(days))
    return found


def comment(on: Post, author, *, days: float = 1) -> Comment:
    from django.contrib.contenttypes.models import ContentType

    found = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Post), object_id=on.pk, author=author,
        body="Goed", body_html="<p>Goed</p>",
    )  # fmt: skip
    Comment.objects.filter(pk=found.pk).update(created_at=ago(days))
    return found


@pytest.fixture
def tree():
    """Directie at the top with Sales, Strategie, Robots and Oud under it, Support under
    Sales, and the Ondernemingsraad on its own at the top (a top-level department without
    departments under it). The CEO manages Directie and Strategie; a service account manages
    Robots and a deactivated account Oud; Kim has no department."""
    ceo, b1, b2 = UserFactory(first_name="Ceo"), UserFactory(), UserFactory()
    directie = DepartmentFactory(name="Directie", slug="directie", manager=ceo)
    for person in (ceo, b1, b2):
        person.department = directie
        person.save(update_fields=["department"])
    sm = UserFactory(first_name="Salesmanager")
    sales = DepartmentFactory(name="Sales", slug="sales", parent=directie, manager=sm)
    floor = [UserFactory(department=sales) for _n in range(5)]
    sm.department = sales
    sm.save(update_fields=["department"])
    pm = UserFactory(first_name="Supportmanager")
    support = DepartmentFactory(name="Support", slug="support", parent=sales, manager=pm)
    pm.department = support
    pm.save(update_fields=["department"])
    support_floor = [UserFactory(department=support) for _n in range(2)]
    om = UserFactory(first_name="Voorzitter")
    council = DepartmentFactory(name="Ondernemingsraad", slug="or", manager=om)
    om.department = council
    om.save(update_fields=["department"])
    member = UserFactory(department=council)
    strategie = DepartmentFactory(name="Strategie", slug="strategie", parent=directie, manager=ceo)
    bot = UserFactory(department=sales)
    ServiceAccount.objects.create(user=bot, owner=ceo)
    robots = DepartmentFactory(name="Robots", slug="robots", parent=directie, manager=bot)
    gone = UserFactory(is_active=False, department=sales)
    oud = DepartmentFactory(name="Oud", slug="oud", parent=directie, manager=gone)
    kim = UserFactory(department=None)
    return {
        "directie": directie, "sales": sales, "support": support, "council": council,
        "strategie": strategie, "robots": robots, "oud": oud,
        "ceo": ceo, "b1": b1, "b2": b2, "sm": sm, "pm": pm, "om": om, "member": member,
        "floor": floor, "support_floor": support_floor, "bot": bot, "gone": gone, "kim": kim,
    }  # fmt: skip


def test_layers_on_a_hand_made_tree(tree):
    found = layers.leadership()
    t = tree
    assert found.directors == {t["ceo"].pk, t["b1"].pk, t["b2"].pk, t["om"].pk}
    assert found.managers == {t["sm"].pk, t["pm"].pk}
    # The Ondernemingsraad's member is on the floor: a top-level department without
    # departments under it is no board. So is someone without a department.
    for person in (*t["floor"], t["member"], t["kim"]):
        assert found.layer_of(person.pk) == Layer.FLOOR
    assert found.layer_of(t["ceo"].pk) == Layer.DIRECTORS
    assert found.layer_of(t["pm"].pk) == Layer.MANAGERS
    # Leaders per department: the manager, and at the top of the tree also its directors.
    # A service account and a deactivated account lead nothing.
    assert found.leaders_of == {
        t["directie"].pk: {t["ceo"].pk, t["b1"].pk, t["b2"].pk},
        t["strategie"].pk: {t["ceo"].pk},
        t["sales"].pk: {t["sm"].pk},
        t["support"].pk: {t["pm"].pk},
        t["council"].pk: {t["om"].pk},
    }
    # Without a tree (every department top-level) only the managers are directors.
    flat = DepartmentFactory(name="Plat", slug="plat")
    assert flat.pk not in found.leaders_of


def test_a_flat_organisation_has_no_board():
    boss = UserFactory()
    team = DepartmentFactory(name="Team", slug="team", manager=boss)
    people = [UserFactory(department=team) for _n in range(4)]
    found = layers.leadership()
    assert found.directors == {boss.pk} and found.managers == set()
    assert all(found.layer_of(p.pk) == Layer.FLOOR for p in people)


def test_each_layers_share_who_took_part_in_the_open(tree):
    t = tree
    open_space = SpaceFactory(name="Iedereen")
    secret = SpaceFactory(name="Geheim", visibility="secret", closed_reason="Vertrouwelijk")
    question = topic(open_space, t["floor"][0])  # floor: asked
    answer(question, t["ceo"])  # directors: answered
    comment(post(open_space, t["floor"][1]), t["pm"])  # floor: posted; managers: commented
    post(secret, t["b1"])  # in a secret space: not counted
    post(open_space, t["om"], days=100)  # before the window: not counted
    post(open_space, t["bot"])  # an integration is in no layer
    post(open_space, t["gone"])  # nor is a deactivated account
    found = phases.layer_figures(since=ago(90), until=timezone.now())
    assert found == {
        "directors": {"members": 4, "posting": 0.25},
        "managers": {"members": 2, "posting": 0.5},
        # 5 in Sales, 2 in Support, the council's member and Kim without a department.
        "floor": {"members": 9, "posting": round(2 / 9, 4)},
    }


def test_an_empty_layer_has_no_share():
    UserFactory()
    found = phases.layer_figures(since=ago(90), until=timezone.now())
    assert found["directors"] == {"members": 0, "posting": None}
    assert found["floor"]["members"] == 1


def test_the_leaders_own_activity_per_department(tree):
    t = tree
    open_space = SpaceFactory(name="Iedereen")
    secret = SpaceFactory(name="Geheim", visibility="secret", closed_reason="Vertrouwelijk")
    post(open_space, t["sm"])
    answer(topic(open_space, t["floor"][0]), t["sm"])
    comment(post(open_space, t["floor"][1]), t["sm"])  # a comment is not a post or answer
    post(secret, t["sm"])  # behind closed doors: not counted
    topic(open_space, t["b1"])  # a director counts for Directie
    board = Board.objects.create(space=open_space, name="Orders")
    for title, fields in (
        ("Op tijd", {"due_at": ago(2), "responded_at": ago(3), "status": "adopted"}),
        ("Te laat", {"due_at": ago(1)}),  # due and not answered
        ("Nog niet", {"due_at": ago(-5)}),  # not due yet
    ):
        group = ExceptionGroup.objects.create(board=board, title=title)
        exception_signal(group, owner=t["sm"], **fields)
    found = phases.figures(since=ago(90), until=timezone.now())
    sales = found[t["sales"].pk]
    assert {k: sales[k] for k in ("leaders", "leader_posts", "leader_answers",
                                  "leader_signals_due", "leader_signals_in_time",
                                  "leaders_posting")} == {
        "leaders": 1, "leader_posts": 1, "leader_answers": 1, "leader_signals_due": 2,
        "leader_signals_in_time": 1, "leaders_posting": 2,
    }  # fmt: skip
    assert found[t["directie"].pk]["leader_posts"] == 1
    assert found[t["directie"].pk]["leaders"] == 3
    assert found[t["support"].pk]["leaders_posting"] == 0  # a silent manager


def _with_leaders(count) -> dict:
    """Every other rule met at its default threshold: only the leaders' figure decides."""
    return {**phases.DEFAULTS, "leaders_posting": count}


def test_the_rule_leaders_take_part_with_a_silent_and_an_active_manager():
    boss = UserFactory()
    team = DepartmentFactory(name="Klantenservice", slug="klantenservice", manager=boss)
    for _n in range(5):
        UserFactory(department=team)
    space = SpaceFactory(name="Iedereen")

    def leaders_posting():
        return phases.figures(since=ago(90), until=timezone.now())[team.pk]["leaders_posting"]

    silent = leaders_posting()
    assert silent == 0
    phase, checks = phases.evaluate(_with_leaders(silent), {})
    assert phase == Phase.DIALOGUE  # engagement needs the leaders too
    assert [c.rule.key for c in checks if not c.met] == ["leaders_posting"]
    post(space, boss)
    answer(topic(space, UserFactory(department=team)), boss)
    active = leaders_posting()
    assert active == 2
    assert phases.evaluate(_with_leaders(active), {})[0] == Phase.SOCIAL_BUSINESS
    # Tunable: a higher bar, or 0 to switch the rule off.
    assert phases.evaluate(_with_leaders(active), {"leaders_posting": 3})[0] == Phase.DIALOGUE
    assert phases.evaluate(_with_leaders(silent), {"leaders_posting": 0})[0] == (
        Phase.SOCIAL_BUSINESS
    )
    # No manager on record, or records from before the rule: nothing to judge.
    assert phases.evaluate(_with_leaders(None), {})[0] == Phase.SOCIAL_BUSINESS
    without = dict(phases.DEFAULTS)
    del without["leaders_posting"]
    assert phases.evaluate(without, {})[0] == Phase.SOCIAL_BUSINESS


def test_a_department_without_a_manager_is_not_held_to_the_rule():
    team = DepartmentFactory(name="Zonder", slug="zonder")
    UserFactory(department=team)
    assert phases.figures(since=ago(90), until=timezone.now())[team.pk]["leaders"] == 0
    assert phases.figures(since=ago(90), until=timezone.now())[team.pk]["leaders_posting"] is None


def _page(client, url: str = "/insights/adoption/"):
    with translation.override("en"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def test_layers_smaller_than_the_minimum_group_show_no_figure(client, tree):
    t = tree
    open_space = SpaceFactory(name="Iedereen")
    answer(topic(open_space, t["floor"][0]), t["ceo"])
    comment(post(open_space, t["floor"][1]), t["pm"])
    # Some weeks ago the managers' layer was large enough to show (6 people).
    LayerRecord.objects.create(layer="managers", day=timezone.localdate() - 14 * DAY,
                               members=6, figures={"posting": 0.8333})  # fmt: skip
    services.record_phases()
    admin = AdminFactory()
    client.force_login(admin)
    # The default minimum group is 5: directors (4) and managers (2) today are too small.
    page = _page(client)
    assert page.status_code == 200
    rows = {row.layer: row for row in page.context["layers"]().rows}
    assert rows["directors"].small and rows["directors"].members is None
    assert rows["directors"].posting is None
    assert rows["managers"].small and rows["managers"].posting is None
    assert not rows["floor"].small and rows["floor"].members == 9
    assert rows["floor"].posting == round(2 / 9, 4)
    table = page.content.decode().split('id="layers-heading"')[1].split("</table>")[0]
    assert table.count("too small to show") == 2
    assert "25%" not in table and "50%" not in table  # the small layers' shares today
    assert "22%" in table  # the floor's
    svg = str(page.context["layer_chart"]())
    assert "The floor" in svg and "Directors" not in svg
    # The managers' earlier day, when they were 6, is drawn; today's is not.
    (managers,) = [values for layer, _label, values in page.context["layers"]().series
                   if layer == "managers"]  # fmt: skip
    assert managers == [(timezone.localdate() - 14 * DAY, 0.8333)]
    # Each layer keeps its line style whichever others are shown: the managers' is the second.
    assert [layer for layer, _label, _values in page.context["layers"]().series] == Layer.values
    assert charts.LINE_STYLES[1][0] in svg and charts.LINE_STYLES[0][0] not in svg
    with translation.override("en"):
        csv = client.get("/insights/adoption/?export=layers", HTTP_ACCEPT_LANGUAGE="en")
    lines = csv.content.decode().splitlines()
    today = timezone.localdate().isoformat()
    assert f"{today},Directors,too small to show" in lines
    assert f"{today},Managers,too small to show" in lines
    assert f"{today},The floor,{round(2 / 9, 4)}" in lines
    assert lines.index(f"{today},Directors,too small to show") < lines.index(
        f"{today},Managers,too small to show"
    )
    svg = client.get("/insights/adoption/?export=layers_svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    # With a minimum of 3 the directors show; the managers (2) still do not.
    services.save_settings(actor=admin, min_group=3, person_level=False, purpose="")
    rows = {row.layer: row for row in _page(client).context["layers"]().rows}
    assert rows["directors"].posting == 0.25 and rows["directors"].members == 4
    assert rows["managers"].small


def test_the_leaders_table_shows_departments_of_the_minimum_group_without_names(client, tree):
    t = tree
    open_space = SpaceFactory(name="Iedereen")
    post(open_space, t["sm"])
    post(open_space, t["sm"])
    post(open_space, t["pm"])  # Support has 3 people: too small to show
    services.record_phases()
    client.force_login(AdminFactory())
    page = _page(client)
    leaders = {row.department.name: row for row in page.context["leaders"]()}
    assert set(leaders) == {"Sales"}  # the only department of at least 5 people
    assert leaders["Sales"].posts == 2 and leaders["Sales"].check.met
    text = page.content.decode()
    assert "Leaders' own activity per department" in text
    assert "Salesmanager" not in text and "Supportmanager" not in text
    assert (
        "Support" not in text.split("Leaders' own activity per department")[1].split("</table>")[0]
    )


def test_the_layer_exports_are_for_insight_viewers_only(client, tree):
    services.record_phases()
    client.force_login(tree["floor"][0])
    for url in ("/insights/adoption/?export=layers", "/insights/adoption/?export=layers_svg"):
        assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    # Anything else asked for is the page itself, never an error.
    for export in ("nonsense", "LAYERS", "layers_svg "):
        assert client.get("/insights/adoption/", {"export": export}).status_code == 200
    assert client.get("/insights/adoption/", {"export": "layers\x00"}).status_code == 400


def test_before_the_first_record_the_layers_say_so(client):
    client.force_login(AdminFactory())
    page = _page(client)
    assert page.status_code == 200
    assert all(row.day is None for row in page.context["layers"]().rows)
    assert page.context["layer_chart"]() is None
    assert "nothing recorded yet" in page.content.decode()


def _thresholds_form(**changes) -> dict:
    data = {"form": "thresholds"}
    for rule in phases.RULES:
        value = phases.DEFAULTS[rule.key]
        data[rule.key] = str(round(value * 100)) if rule.share else str(value)
    data.update(changes)
    return data


def test_the_leaders_threshold_is_on_the_settings_page(client):
    admin = AdminFactory()
    client.force_login(admin)
    with translation.override("en"):
        page = client.get("/insights/settings/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="leaders_posting"' in page.content.decode()
    assert "Posts, questions and answers of its leaders themselves" in page.content.decode()
    assert client.post(
        "/insights/settings/", _thresholds_form(leaders_posting="4")
    ).status_code == (302)
    assert InsightSettings.objects.get(pk=1).thresholds["leaders_posting"] == 4
    assert selectors.insight_settings().thresholds["leaders_posting"] == 4


@pytest.mark.parametrize("bad", ["-1", "1.5", "abc", "", "nan", "1e400"])
def test_a_bad_leaders_threshold_is_refused_and_nothing_saved(client, bad):
    admin = AdminFactory()
    client.force_login(admin)
    before = selectors.insight_settings().thresholds
    answer = client.post("/insights/settings/", _thresholds_form(leaders_posting=bad, posting="40"))
    assert answer.status_code == 200
    assert answer.context["threshold_error"] is not None
    assert InsightSettings.objects.filter(pk=1).first() is None or (
        InsightSettings.objects.get(pk=1).thresholds == before
    )
    assert not AuditEntry.objects.filter(action="insights.thresholds").exists()


def test_only_administrators_change_thresholds(client, tree):
    client.force_login(tree["sm"])
    answer = client.post("/insights/settings/", _thresholds_form(leaders_posting="0"))
    assert answer.status_code == 404
    assert not AuditEntry.objects.filter(action="insights.thresholds").exists()
