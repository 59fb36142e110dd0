"""Value over time: what Plein returned per calendar month (in the project's TIME_ZONE), so
leaders who are asked to be patient have numbers. Four figures, each one grouped SQL statement
over the whole window whatever the number of rows (five queries in all, with the open spaces):

- stories reused: "this helped us" records of other teams (gamification.Reuse, once per team
  and story), in the month they were recorded, split by what the team said it brought: a
  lead, a customer, time saved, something else. Reuse records a kind, not an amount: there
  are no hours or euros to add up, so each kind is a count of reuses.
- signals adopted: signals whose answer made them "adopted", in the month of that answer
  (read through insights.sources.adopted_signals_by_month, the one place that knows where
  signals live).
- questions answered across departments: questions counted once, in the month of their first
  answer by someone of another department than the asker (a person with a department, not
  an integration's service account). The first answer rather than the accepted one: an
  acceptance has no date of its own and many helpful answers are never marked accepted; the
  first answer from elsewhere is when help crossed a department's border. Departments are the
  people's departments today.
- articles improved: suggestions by a reader (not the article's owner) that the owner
  accepted, in the month of the decision: an improvement someone else brought to a text.
  An article improved twice counts twice.

Like every insight figure, only what happens in the open counts (see insights.sources): stories,
questions, answers, articles and boards in spaces every colleague may read without joining,
with the content's module switched on, and nothing a moderator hid. Content in private or
secret spaces never moves a figure. The figures are organisation-wide totals, never per person
or per department, so the minimum group size has nothing to hold back here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insights import sources

# Short names for the raw SQL below (one definition, in insights.sources).
_t = sources.db_table
_rows = sources.rows

MONTH_CHOICES = (6, 12, 24)
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy, for the screen and the CSV header
    main: bool  # one of the four figures (charted, added up "so far"); else a part of reuse


COLUMNS = [
    Column("reused", _("Stories reused"), True),
    Column("lead", _("Leads"), False),
    Column("customer", _("Customers"), False),
    Column("time_saved", _("Time saved"), False),
    Column("other", _("Something else"), False),
    Column("signals", _("Signals adopted"), True),
    Column("questions", _("Questions answered across departments"), True),
    Column("articles", _("Articles improved"), True),
]
KEYS = [c.key for c in COLUMNS]
MAIN = [c.key for c in COLUMNS if c.main]
REUSE_KINDS = ("lead", "customer", "time_saved", "other")


@dataclass
class Month:
    month: date  # its first day
    values: dict[str, int] = field(default_factory=dict)
    so_far: dict[str, int] = field(default_factory=dict)  # from the window's first month on


def month_starts(*, months: int, today: date) -> list[date]:
    """The first days of the last `months` calendar months, oldest first, this one last."""
    found = []
    year, month = today.year, today.month
    for _n in range(months):
        found.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def roll_up(*, months: int, today: date | None = None) -> list[Month]:
    """One Month per calendar month of the window (empty months included), with the running
    totals of the four figures. Five queries, whatever the number of rows."""
    today = today or timezone.localdate()
    starts = month_starts(months=months, today=today)
    since, until = _local_midnight(starts[0]), _local_midnight(next_month(starts[-1]))
    spaces = sources.open_spaces()
    p = {"since": since, "until": until, "tz": settings.TIME_ZONE, **spaces}
    found = {start: Month(month=start, values=dict.fromkeys(KEYS, 0)) for start in starts}
    month_of = "date_trunc('month', {} AT TIME ZONE %(tz)s)::date"
    open_ = sources.in_the_open

    for month, kind, n in _rows(
        f"""SELECT {month_of.format("r.created_at")}, r.kind, COUNT(*)
              FROM {_t("gamification.Reuse")} r JOIN {_t("gamification.Story")} s
                ON s.id = r.story_id
             WHERE r.created_at >= %(since)s AND r.created_at < %(until)s
               AND {open_("gamification.Story", "s")}
             GROUP BY 1, 2""",  # noqa: S608 - tables from the models, values are parameters
        p,
    ):
        if month in found:
            found[month].values["reused"] += n
            found[month].values[kind if kind in REUSE_KINDS else "other"] += n

    for month, n in sources.adopted_signals_by_month(
        since=since, until=until, spaces=spaces
    ).items():
        if month in found:
            found[month].values["signals"] += n

    users = _t("profiles.User")
    service = _t("tokens.ServiceAccount")
    for month, n in _rows(
        f"""SELECT {month_of.format("f.first_at")}, COUNT(*) FROM (
                SELECT t.id, MIN(a.created_at) AS first_at
                  FROM {_t("forums.Answer")} a JOIN {_t("forums.Topic")} t ON t.id = a.topic_id
                  JOIN {users} asker ON asker.id = t.author_id
                  JOIN {users} helper ON helper.id = a.author_id
                 WHERE t.kind = 'question' AND a.created_at < %(until)s
                   AND {open_("forums.Answer", "a")}
                   AND helper.department_id IS NOT NULL
                   AND helper.department_id IS DISTINCT FROM asker.department_id
                   AND NOT EXISTS (SELECT 1 FROM {service} sa WHERE sa.user_id = helper.id)
                 GROUP BY t.id) f
             WHERE f.first_at >= %(since)s
             GROUP BY 1""",  # noqa: S608 - tables from the models, values are parameters
        p,
    ):
        if month in found:
            found[month].values["questions"] += n

    for month, n in _rows(
        f"""SELECT {month_of.format("g.decided_at")}, COUNT(*)
              FROM {_t("knowledge.Suggestion")} g JOIN {_t("knowledge.Article")} r
                ON r.id = g.article_id
             WHERE g.status = 'accepted' AND g.decided_at >= %(since)s
               AND g.decided_at < %(until)s AND g.proposer_id <> r.owner_id
               AND {open_("knowledge.Article", "r")}
             GROUP BY 1""",  # noqa: S608 - tables from the models, values are parameters
        p,
    ):
        if month in found:
            found[month].values["articles"] += n

    running = dict.fromkeys(MAIN, 0)
    for start in starts:
        for key in MAIN:
            running[key] += found[start].values[key]
        found[start].so_far = dict(running)
    return [found[start] for start in starts]


def totals(rows: list[Month]) -> dict[str, int]:
    """Every column added up over the window."""
    return {key: sum(row.values[key] for row in rows) for key in KEYS}
