"""Adoption phases per department: presence, dialogue, engagement, social business. Each phase
is a set of rules on figures read from what the apps store; a department is in the highest
phase whose rules it meets together with those of every phase before it. The thresholds are
data (InsightSettings.thresholds) that administrators tune; the rules are shown on screen.

Like the interaction network, the figures count only what happens in the open (as the insight
pages say): content in spaces every colleague may read without joining, with the content's
module switched on, and nothing a moderator hid; comments count through what they are on,
signals through the space of what they were raised on. The same open-space ids and the same
SQL conditions as insights.sources (read once per computation). Whether people signed in or
filled in their profile is not content and counts for everyone.

Leadership participation (insights.layers says who is a director, a manager or on the floor,
and who leads a department) is read from the same content in the open: per layer, the share
who posted, asked, answered or commented (layer_figures); per department, its leaders' own
posts, questions, answers and signals answered in time, which the rule "leaders take part"
reads. Counting a manager's own acts is acceptable where counting a colleague's is not: the
department-manager role is public in the organisation chart, the acts counted are public acts
any colleague can read in open spaces (the follow-up page already names signal owners), the
figures are shown for the role of a department of at least the minimum group and never rank
people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from insights import layers, sources
from insights.models import Layer, Phase

# Short names for the raw SQL below (one definition, in insights.sources).
_t = sources.db_table
_rows = sources.rows


@dataclass(frozen=True)
class Rule:
    phase: int
    key: str  # the threshold's key and the figure it reads
    label: str  # lazy, for the screen
    share: bool  # a fraction (shown as a percentage) or a count
    # No case to judge (no signal was due): the rule holds, nothing was late.
    holds_without_cases: bool = False

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label)


RULES = [
    Rule(Phase.PRESENCE, "signed_in", _("Members who have signed in at least once"), True),
    Rule(Phase.PRESENCE, "profiled", _("Members with a job title and at least one skill"), True),
    Rule(Phase.DIALOGUE, "posting", _("Members who posted, asked, answered or commented"), True),
    Rule(Phase.DIALOGUE, "replied", _("Their questions and posts that got a reply"), True),
    Rule(
        Phase.ENGAGEMENT,
        "cross_answered",
        _("Questions from this department answered by another department"),
        False,
    ),
    Rule(
        Phase.ENGAGEMENT,
        "acted",
        _("Pain points on its boards and suggestions on its articles acted on"),
        True,
    ),
    # Leaders take part: what its leaders (its manager; at the top of the tree also the
    # directors, see insights.layers) posted, asked and answered in the open themselves. In
    # engagement: dialogue is about the floor speaking up; engagement is the organisation
    # answering, and that starts with those who lead it. A department without a leader on
    # record has no one to judge: the rule is not held against it (nor against records made
    # before the rule existed).
    Rule(
        Phase.ENGAGEMENT,
        "leaders_posting",
        _("Posts, questions and answers of its leaders themselves"),
        False,
        holds_without_cases=True,
    ),
    Rule(Phase.SOCIAL_BUSINESS, "boards", _("Process boards in use (cards moved)"), False),
    Rule(
        Phase.SOCIAL_BUSINESS,
        "signals_in_time",
        _("Signals its people own answered before their deadline"),
        True,
        holds_without_cases=True,
    ),
    Rule(Phase.SOCIAL_BUSINESS, "reused", _("Its success stories reused by other teams"), False),
]

DEFAULTS = {
    "signed_in": 0.6,
    "profiled": 0.5,
    "posting": 0.3,
    "replied": 0.5,
    "cross_answered": 3,
    "acted": 0.5,
    "leaders_posting": 2,
    "boards": 1,
    "signals_in_time": 0.8,
    "reused": 1,
}


@dataclass(frozen=True)
class Check:
    rule: Rule
    value: float | None
    threshold: float
    met: bool


def evaluate(figures: dict, thresholds: dict) -> tuple[int, list[Check]]:
    """(phase, every rule's check) for one department's figures."""
    checks = []
    for rule in RULES:
        value = figures.get(rule.key)
        threshold = float(thresholds.get(rule.key, DEFAULTS[rule.key]))
        met = rule.holds_without_cases if value is None else value >= threshold
        checks.append(Check(rule=rule, value=value, threshold=threshold, met=met))
    phase = Phase.NONE
    for level in (Phase.PRESENCE, Phase.DIALOGUE, Phase.ENGAGEMENT, Phase.SOCIAL_BUSINESS):
        if all(c.met for c in checks if c.rule.phase == level):
            phase = level
        else:
            break
    return int(phase), checks


def _share(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def _human(alias: str) -> str:
    """SQL: the user row `alias` is a person on Plein, as governance.permissions.people_filter
    says (active, no service account): integrations are no members of any figure here."""
    service = _t("tokens.ServiceAccount")
    return (
        f"{alias}.is_active AND NOT EXISTS (SELECT 1 FROM {service} sa "
        f"WHERE sa.user_id = {alias}.id)"
    )


def _window(alias: str) -> str:
    return f"{alias}.created_at >= %(since)s AND {alias}.created_at < %(until)s"


def _types() -> dict:
    return ContentType.objects.get_for_models(
        *[apps.get_model(label) for label, _author, _created in sources.CONTENT]
    )


def _acts_sql(types: dict, *, comments: bool = True) -> str:
    """SELECT author, kind: one row per post ('post'), question or discussion ('topic'),
    answer ('answer') and, with `comments`, comment ('comment') written in the open in the
    window (parameters: since, until, open_spaces()). A comment is in the open when it is not
    hidden and what it is on is in the open."""
    open_ = sources.in_the_open
    comment = _t("activity.Comment")
    on_content = "".join(
        f"""
                UNION ALL SELECT i.author_id, 'comment' FROM {comment} i JOIN {_t(label)} x
                    ON x.id = i.object_id AND i.content_type_id = {types[apps.get_model(label)].pk}
                 WHERE {_window("i")} AND i.hidden_at IS NULL AND {open_(label, "x")}"""
        for label, _author, _created in sources.CONTENT
    )
    tail = on_content if comments else ""
    return f"""
                SELECT t.author_id AS author, 'topic' AS kind FROM {_t("forums.Topic")} t
                 WHERE {_window("t")} AND {open_("forums.Topic", "t")}
                UNION ALL SELECT a.author_id, 'answer' FROM {_t("forums.Answer")} a
                 WHERE {_window("a")} AND {open_("forums.Answer", "a")}
                UNION ALL SELECT o.author_id, 'post' FROM {_t("activity.Post")} o
                 WHERE {_window("o")} AND {open_("activity.Post", "o")}{tail}"""


def figures(
    *, since: datetime, until: datetime, leadership: layers.Leadership | None = None
) -> dict[int, dict]:
    """{department id: {members, signed_in, profiled, posting, replied, cross_answered, acted,
    boards, signals_in_time, reused, leaders_posting, and the leaders' own figures: leaders,
    leader_posts, leader_answers, leader_signals_due, leader_signals_in_time}} over the
    window, from content in the open only (see the module's docstring), in ten grouped queries
    whatever the number of departments (and two for `leadership` when not given)."""
    user_model = apps.get_model("profiles.User")
    users, skills = _t("profiles.User"), user_model.skills.through._meta.db_table
    topic, answer, post = _t("forums.Topic"), _t("forums.Answer"), _t("activity.Post")
    comment = _t("activity.Comment")
    human = _human("u")
    types = _types()
    p = {
        "since": since,
        "until": until,
        "topic_ct": types[apps.get_model("forums.Topic")].pk,
        "post_ct": types[apps.get_model("activity.Post")].pk,
        # The spaces in the open, read once: every figure below filters on the same ids.
        **sources.open_spaces(),
    }
    open_ = sources.in_the_open
    found: dict[int, dict] = {}
    for dept, members, signed_in, profiled in _rows(
        f"""SELECT u.department_id, COUNT(*), COUNT(u.last_login),
                   COUNT(*) FILTER (WHERE u.job_title <> '' AND EXISTS (
                       SELECT 1 FROM {skills} s WHERE s.user_id = u.id))
              FROM {users} u WHERE u.department_id IS NOT NULL AND {human}
             GROUP BY 1""",
        p,
    ):
        found[dept] = {
            "members": members,
            "signed_in": _share(signed_in, members),
            "profiled": _share(profiled, members),
            "posting": 0.0,
            "replied": None,
            "cross_answered": 0,
            "acted": None,
            "boards": 0,
            "signals_in_time": None,
            "reused": 0,
        }

    for dept, posters in _rows(
        f"""SELECT u.department_id, COUNT(DISTINCT x.author) FROM ({_acts_sql(types)}) x
              JOIN {users} u ON u.id = x.author AND {human} GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["posting"] = _share(posters, found[dept]["members"])
    for dept, total, replied in _rows(
        f"""SELECT u.department_id, COUNT(*), COUNT(*) FILTER (WHERE x.replied) FROM (
                SELECT t.author_id AS author, (
                    EXISTS (SELECT 1 FROM {answer} a
                             WHERE a.topic_id = t.id AND a.author_id <> t.author_id
                               AND a.hidden_at IS NULL)
                    OR EXISTS (SELECT 1 FROM {comment} c WHERE c.content_type_id = %(topic_ct)s
                                 AND c.object_id = t.id AND c.author_id <> t.author_id
                                 AND c.hidden_at IS NULL)
                ) AS replied FROM {topic} t
                 WHERE {_window("t")} AND {open_("forums.Topic", "t")}
                UNION ALL
                SELECT o.author_id, EXISTS (SELECT 1 FROM {comment} c
                    WHERE c.content_type_id = %(post_ct)s AND c.object_id = o.id
                      AND c.author_id <> o.author_id AND c.hidden_at IS NULL)
                  FROM {post} o WHERE {_window("o")} AND {open_("activity.Post", "o")}) x
              JOIN {users} u ON u.id = x.author GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["replied"] = _share(replied, total)
    for dept, n in _rows(
        f"""SELECT asker.department_id, COUNT(DISTINCT t.id)
              FROM {answer} a JOIN {topic} t ON t.id = a.topic_id
              JOIN {users} asker ON asker.id = t.author_id
              JOIN {users} helper ON helper.id = a.author_id
             WHERE {_window("a")} AND {open_("forums.Answer", "a")}
               AND helper.department_id IS DISTINCT FROM asker.department_id
             GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["cross_answered"] = n
    pain, board, space = _t("processes.PainPoint"), _t("processes.Board"), _t("governance.Space")
    suggestion, article = _t("knowledge.Suggestion"), _t("knowledge.Article")
    for dept, total, acted in _rows(
        f"""SELECT dept, COUNT(*), COUNT(*) FILTER (WHERE acted) FROM (
                SELECT s.department_id AS dept, p.status <> 'open' AS acted
                  FROM {pain} p JOIN {board} b ON b.id = p.board_id
                  JOIN {space} s ON s.id = b.space_id
                 WHERE {_window("p")} AND b.space_id = ANY(%(open_boards)s)
                UNION ALL
                SELECT u.department_id, g.status <> 'open'
                  FROM {suggestion} g JOIN {article} r ON r.id = g.article_id
                  JOIN {users} u ON u.id = r.owner_id
                 WHERE {_window("g")} AND {open_("knowledge.Article", "r")}) x
             WHERE dept IS NOT NULL GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["acted"] = _share(acted, total)
    move = _t("processes.Move")
    for dept, n in _rows(
        f"""SELECT s.department_id, COUNT(DISTINCT c.board_id)
              FROM {move} m JOIN {_t("processes.Card")} c ON c.id = m.card_id
              JOIN {board} b ON b.id = c.board_id JOIN {space} s ON s.id = b.space_id
             WHERE m.at >= %(since)s AND m.at < %(until)s
               AND b.space_id = ANY(%(open_boards)s) GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["boards"] = n
    for dept, due, in_time in _rows(
        f"""SELECT u.department_id, COUNT(*),
                   COUNT(*) FILTER (WHERE g.responded_at IS NOT NULL
                                      AND g.responded_at <= g.due_at)
              FROM {_t("signals.Signal")} g JOIN {users} u ON u.id = g.owner_id
             WHERE g.due_at >= %(since)s AND g.due_at < %(until)s
               AND {sources.signal_in_the_open("g")} GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["signals_in_time"] = _share(in_time, due)
    story, reuse = _t("gamification.Story"), _t("gamification.Reuse")
    for dept, n in _rows(
        f"""SELECT u.department_id, COUNT(*)
              FROM {reuse} r JOIN {story} s ON s.id = r.story_id
              JOIN {users} u ON u.id = s.author_id
             WHERE {_window("r")} AND r.department_id IS DISTINCT FROM u.department_id
               AND {open_("gamification.Story", "s")}
             GROUP BY 1""",
        p,
    ):
        if dept in found:
            found[dept]["reused"] = n
    _leader_figures(found, leadership or layers.leadership(), p, types)
    return found


def _leader_figures(found: dict, leadership: layers.Leadership, p: dict, types: dict) -> None:
    """Each department's leaders' own posts and questions, answers, and signals they own that
    fell due in the window (and of those, answered before their deadline), all in the open:
    one grouped query per computation, summed per department here. A leader of two
    departments counts in both."""
    leaders = sorted(leadership.leaders)
    for dept, figures_of in found.items():
        mine = leadership.leaders_of.get(dept, frozenset())
        figures_of.update(
            leaders=len(mine),
            leader_posts=0,
            leader_answers=0,
            leader_signals_due=0,
            leader_signals_in_time=0,
            # No leader on record: nothing to judge (the rule holds without cases).
            leaders_posting=0 if mine else None,
        )
    per_person = {
        person: (posts, answers, due, in_time)
        for person, posts, answers, due, in_time in _rows(
            f"""SELECT person, SUM(posts), SUM(answers), SUM(due), SUM(in_time) FROM (
                    SELECT x.author AS person,
                           COUNT(*) FILTER (WHERE x.kind IN ('post', 'topic')) AS posts,
                           COUNT(*) FILTER (WHERE x.kind = 'answer') AS answers,
                           0 AS due, 0 AS in_time
                      FROM ({_acts_sql(types, comments=False)}) x
                     WHERE x.author = ANY(%(leaders)s) GROUP BY 1
                    UNION ALL
                    SELECT g.owner_id, 0, 0, COUNT(*),
                           COUNT(*) FILTER (WHERE g.responded_at IS NOT NULL
                                              AND g.responded_at <= g.due_at)
                      FROM {_t("signals.Signal")} g
                     WHERE g.owner_id = ANY(%(leaders)s)
                       AND g.due_at >= %(since)s AND g.due_at < %(until)s
                       AND {sources.signal_in_the_open("g")} GROUP BY 1) x
                 GROUP BY 1""",
            {**p, "leaders": leaders},
        )
    }
    for dept, figures_of in found.items():
        for person in leadership.leaders_of.get(dept, ()):
            posts, answers, due, in_time = per_person.get(person, (0, 0, 0, 0))
            figures_of["leader_posts"] += int(posts)
            figures_of["leader_answers"] += int(answers)
            figures_of["leader_signals_due"] += int(due)
            figures_of["leader_signals_in_time"] += int(in_time)
        if figures_of["leaders_posting"] is not None:
            figures_of["leaders_posting"] = (
                figures_of["leader_posts"] + figures_of["leader_answers"]
            )


def layer_figures(
    *, since: datetime, until: datetime, leadership: layers.Leadership | None = None
) -> dict[str, dict]:
    """{layer: {"members": people in it, "posting": the share of them who posted, asked,
    answered or commented in the open in the window (None for an empty layer)}}, for every
    layer (insights.layers), in one query (two more for `leadership` when not given). The
    same content in the open as "posting" per department."""
    found = leadership or layers.leadership()
    types = _types()
    p = {
        "since": since,
        "until": until,
        **sources.open_spaces(),
        "directors": sorted(found.directors),
        "managers": sorted(found.managers),
    }
    counts = {
        layer: (members, posters)
        for layer, members, posters in _rows(
            f"""WITH posters AS (SELECT DISTINCT x.author FROM ({_acts_sql(types)}) x)
                SELECT CASE WHEN u.id = ANY(%(directors)s) THEN 'directors'
                            WHEN u.id = ANY(%(managers)s) THEN 'managers'
                            ELSE 'floor' END,
                       COUNT(*), COUNT(*) FILTER (WHERE u.id IN (SELECT author FROM posters))
                  FROM {_t("profiles.User")} u WHERE {_human("u")} GROUP BY 1""",
            p,
        )
    }
    shares = {}
    for layer in Layer.values:
        members, posters = counts.get(layer, (0, 0))
        shares[layer] = {"members": members, "posting": _share(posters, members)}
    return shares
