"""Who interacted with whom, read straight from what the apps store: answers to questions,
comments and reactions on posts, questions, answers, articles, stories and cards, mentions,
accepted suggestions, cards handed to another department and stories reused by another team.
One SQL statement gathers them and sums them per pair of people, so 500,000 interactions cross
the wire as far fewer ties.

Only what people do in the open counts, as the insight pages say: interactions with content
in spaces every colleague may read without joining (open, View not narrowed away from readers,
the content's module switched on: governance.permissions.in_the_open_filter) and never with
content a moderator hid. Private and secret spaces leave no trace here, so department ties never
tell who works together behind closed doors."""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from intranet.governance.constants import Module

# How much one interaction weighs in a tie: helping someone counts more than a reaction.
WEIGHTS = {
    "answer": 3.0,
    "comment": 2.0,
    "reaction": 1.0,
    "mention": 2.0,
    "suggestion": 3.0,
    "handoff": 2.0,
    "reuse": 3.0,
}

# Content people comment on or react to: (model, its author's field, its creation field).
CONTENT = [
    ("activity.Post", "author", "created_at"),
    ("forums.Topic", "author", "created_at"),
    ("forums.Answer", "author", "created_at"),
    ("knowledge.Article", "owner", "created_at"),
    ("gamification.Story", "author", "published_at"),
    ("processes.Card", "owner", "created_at"),
]


# When a row `{x}` of each kind of content is in the open: in a space in the open with the
# content's module switched on (the parameter named), and nothing on the way hidden.
IN_THE_OPEN = {
    "activity.Post": "{x}.space_id = ANY(%(open_any)s)",
    "forums.Topic": "{x}.space_id = ANY(%(open_forums)s) AND {x}.hidden_at IS NULL",
    "forums.Answer": """{x}.hidden_at IS NULL AND EXISTS (
        SELECT 1 FROM {topics} ot WHERE ot.id = {x}.topic_id AND ot.hidden_at IS NULL
           AND ot.space_id = ANY(%(open_forums)s))""",
    "knowledge.Article": "{x}.space_id = ANY(%(open_knowledge)s) AND {x}.hidden_at IS NULL",
    "gamification.Story": "{x}.space_id = ANY(%(open_stories)s) AND {x}.hidden_at IS NULL",
    "processes.Card": """EXISTS (
        SELECT 1 FROM {boards} ob WHERE ob.id = {x}.board_id
           AND ob.space_id = ANY(%(open_boards)s))""",
}
MODULE_PARAMETERS = {
    Module.FORUMS: "open_forums",
    Module.KNOWLEDGE: "open_knowledge",
    Module.BOARDS: "open_boards",
    Module.STORIES: "open_stories",
}


def db_table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def rows(sql: str, params: dict) -> list[tuple]:
    """The rows of one raw query (the figures here are sums SQL makes in one pass)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _column(label: str, field: str) -> str:
    return apps.get_model(label)._meta.get_field(field).column


def in_the_open(label: str, alias: str) -> str:
    """SQL: the row `alias` of `label` is content in the open (parameters: open_spaces())."""
    return IN_THE_OPEN[label].format(
        x=alias, topics=db_table("forums.Topic"), boards=db_table("processes.Board")
    )


def open_spaces() -> dict[str, list[int]]:
    """The ids of the spaces in the open, in all and per module (one query): the parameters
    the SQL here filters on. Read at the start of each computation."""
    from intranet.governance import permissions
    from intranet.governance.models import Space

    found: dict[str, list[int]] = {"open_any": [], **{p: [] for p in MODULE_PARAMETERS.values()}}
    rows = Space.objects.filter(permissions.in_the_open_filter()).values_list("pk", "modules")
    for pk, modules in rows.order_by("pk"):
        found["open_any"].append(pk)
        for module in modules or []:
            if module in MODULE_PARAMETERS:
                found[MODULE_PARAMETERS[module]].append(pk)
    return found


def interactions_sql() -> str:
    """SELECT actor, target, at, weight, content, content_at: one row per interaction in the
    open since %(since)s (content and content_at only where it answered or reacted to a piece
    of content, for how fast a person's content travels). Parameters: since, until and
    open_spaces()."""
    types = ContentType.objects.get_for_models(*[apps.get_model(m) for m, _a, _c in CONTENT])
    parts = [
        f"""SELECT a.author_id AS actor, t.author_id AS target, a.created_at AS at,
                   {WEIGHTS["answer"]} AS weight, 'topic:' || t.id AS content,
                   t.created_at AS content_at
              FROM {db_table("forums.Answer")} a
              JOIN {db_table("forums.Topic")} t ON t.id = a.topic_id
             WHERE a.created_at >= %(since)s AND a.created_at < %(until)s AND a.hidden_at IS NULL
               AND {in_the_open("forums.Topic", "t")}"""
    ]
    for label, author, created in CONTENT:
        ct = types[apps.get_model(label)].pk
        table, who, when = db_table(label), _column(label, author), _column(label, created)
        key = label.split(".")[1].lower()
        for source, actor, kind, hidden in (
            (db_table("activity.Comment"), "author_id", "comment", "AND i.hidden_at IS NULL"),
            (db_table("activity.Reaction"), "user_id", "reaction", ""),
        ):
            parts.append(
                f"""SELECT i.{actor}, x.{who}, i.created_at, {WEIGHTS[kind]},
                           '{key}:' || x.id, x.{when}
                      FROM {source} i JOIN {table} x ON x.id = i.object_id
                     WHERE i.content_type_id = {ct} AND i.created_at >= %(since)s
                       AND i.created_at < %(until)s {hidden}
                       AND {in_the_open(label, "x")}"""
            )
    # A mention is in the open when the notification's space is (where it was written).
    parts.append(
        f"""SELECT n.actor_id, n.recipient_id, n.created_at, {WEIGHTS["mention"]}, NULL, NULL
              FROM {db_table("activity.Notification")} n
             WHERE n.kind = 'mention' AND n.created_at >= %(since)s AND n.created_at < %(until)s
               AND n.space_id = ANY(%(open_any)s)"""
    )
    parts.append(
        f"""SELECT s.proposer_id, s.decided_by_id, s.decided_at, {WEIGHTS["suggestion"]},
                   NULL, NULL
              FROM {db_table("knowledge.Suggestion")} s
              JOIN {db_table("knowledge.Article")} r ON r.id = s.article_id
             WHERE s.status = 'accepted' AND s.decided_at >= %(since)s
               AND s.decided_at < %(until)s AND {in_the_open("knowledge.Article", "r")}"""
    )
    parts.append(
        f"""SELECT m.by_id, c.owner_id, m.at, {WEIGHTS["handoff"]}, NULL, NULL
              FROM {db_table("processes.Move")} m JOIN {db_table("processes.Card")} c
                ON c.id = m.card_id
             WHERE m.from_department_id IS DISTINCT FROM m.to_department_id
               AND m.at >= %(since)s AND m.at < %(until)s
               AND {in_the_open("processes.Card", "c")}"""
    )
    parts.append(
        f"""SELECT r.user_id, s.author_id, r.created_at, {WEIGHTS["reuse"]}, NULL, NULL
              FROM {db_table("gamification.Reuse")} r JOIN {db_table("gamification.Story")} s
                ON s.id = r.story_id
             WHERE r.created_at >= %(since)s AND r.created_at < %(until)s
               AND {in_the_open("gamification.Story", "s")}"""
    )
    return "\nUNION ALL\n".join(parts)


def _parameters(*, since: datetime, until: datetime, **more) -> dict:
    return {"since": since, "until": until, **open_spaces(), **more}


def ties(*, since: datetime, until: datetime) -> tuple[list[tuple[int, int, float]], int]:
    """([(person, person, weight)] per unordered pair, number of interactions)."""
    sql = f"""
        WITH i(actor, target, at, weight, content, content_at) AS ({interactions_sql()})
        SELECT LEAST(actor, target), GREATEST(actor, target), SUM(weight), COUNT(*)
          FROM i
         WHERE actor IS NOT NULL AND target IS NOT NULL AND actor <> target
         GROUP BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(sql, _parameters(since=since, until=until))
        rows = cursor.fetchall()
    return [(a, b, float(w)) for a, b, w, _n in rows], sum(n for *_rest, n in rows)


def spread_hours(*, since: datetime, until: datetime, at_least: int = 2) -> dict[int, float]:
    """Per person: the median number of hours until someone from another department first
    answered, commented on or reacted to a piece of their content (over at least `at_least`
    pieces that travelled at all)."""
    users = db_table("profiles.User")
    sql = f"""
        WITH i(actor, target, at, weight, content, content_at) AS ({interactions_sql()}),
        firsts AS (
            SELECT i.target AS author, i.content,
                   EXTRACT(EPOCH FROM MIN(i.at) - MIN(i.content_at)) / 3600.0 AS hours
              FROM i
              JOIN {users} a ON a.id = i.actor
              JOIN {users} t ON t.id = i.target
             WHERE i.content IS NOT NULL AND i.actor <> i.target
               AND a.department_id IS DISTINCT FROM t.department_id
             GROUP BY i.target, i.content)
        SELECT author, percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(hours, 0))
          FROM firsts GROUP BY author HAVING COUNT(*) >= %(at_least)s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, _parameters(since=since, until=until, at_least=at_least))
        return {author: float(hours) for author, hours in cursor.fetchall()}


def handoffs(*, since: datetime, until: datetime) -> list[tuple[int, int, float]]:
    """Cards handed from one department to another on boards in the open, per pair: ties
    between departments even where nobody commented."""
    sql = f"""
        SELECT m.from_department_id, m.to_department_id, COUNT(*) * {WEIGHTS["handoff"]}
          FROM {db_table("processes.Move")} m JOIN {db_table("processes.Card")} c
            ON c.id = m.card_id
         WHERE m.from_department_id IS NOT NULL AND m.to_department_id IS NOT NULL
           AND m.from_department_id <> m.to_department_id
           AND m.at >= %(since)s AND m.at < %(until)s
           AND {in_the_open("processes.Card", "c")}
         GROUP BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(sql, _parameters(since=since, until=until))
        return [(a, b, float(w)) for a, b, w in cursor.fetchall()]


def signal_in_the_open(alias: str) -> str:
    """SQL: the signal row `alias` was raised on content in the open: its space in the open
    with the module of its content (stored on the signal) switched on. Uses the open_spaces()
    parameters."""
    parts = [f"({alias}.module = '' AND {alias}.space_id = ANY(%(open_any)s))"] + [
        f"({alias}.module = '{module}' AND {alias}.space_id = ANY(%({parameter})s))"
        for module, parameter in sorted(MODULE_PARAMETERS.items())
    ]
    return "(" + " OR ".join(parts) + ")"


def adopted_signals_by_month(
    *, since: datetime, until: datetime, spaces: dict[str, list[int]] | None = None
) -> dict[date, int]:
    """{first day of the month (TIME_ZONE): signals adopted in it} for signals on content in
    the open, counted in the month of their answer (responded_at: the answer that set the
    status "adopted"). `spaces`: open_spaces() when the caller read it already.

    Signals are the platform's (intranet.signals), raised on any content; a signal counts when
    the space its content lives in is in the open (recurring exceptions: their board's)."""
    from django.conf import settings

    signal = db_table("signals.Signal")
    sql = f"""
        SELECT date_trunc('month', g.responded_at AT TIME ZONE %(tz)s)::date, COUNT(*)
          FROM {signal} g
         WHERE g.status = 'adopted' AND g.responded_at >= %(since)s
           AND g.responded_at < %(until)s AND {signal_in_the_open("g")}
         GROUP BY 1"""
    parameters = {
        "since": since,
        "until": until,
        "tz": settings.TIME_ZONE,
        **(spaces if spaces is not None else open_spaces()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return dict(cursor.fetchall())


def adopted_signal_events() -> tuple[type, ...]:
    """The events after which adopted_signals_by_month may answer differently: moves with it."""
    from intranet.signals import events

    return (events.SignalAnswered,)
