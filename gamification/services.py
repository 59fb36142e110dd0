"""Writes of points, badges, privacy, stories, reuse, ambassadors and challenges.

Points are awarded by event handlers after commit; each award is one transaction that writes
the ledger row and its tallies together, or nothing."""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gamification import events
from gamification.defaults import PAIR_CAPS
from gamification.models import (
    MAX_HOURS_GRANTED,
    Ambassador,
    AmbassadorActivity,
    AmbassadorActivityKind,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeEntry,
    ChallengeStep,
    Deed,
    DeedKind,
    GameSettings,
    InvitationKind,
    InvitationStatus,
    LeadershipInvitation,
    LedgerEntry,
    Period,
    PointRule,
    PointTally,
    Privacy,
    Reuse,
    ReuseKind,
    Story,
    StoryImage,
)
from intranet import events as bus
from intranet.core import ratelimit
from intranet.core.cache import Generation
from intranet.governance import audit, permissions
from intranet.governance.constants import Action

ALL_TIME = datetime.date(2000, 1, 1)
MAX_PEOPLE_TAGGED = 30
MAX_IMAGES = 6


# --- Settings -----------------------------------------------------------------------------------


LOCAL_SECONDS = 3.0


class _Shared:
    """A small, read-mostly table asked on every page and by every award (the switches, the
    rules, the badges, the running challenges): kept in Redis and, for LOCAL_SECONDS, in process
    memory, as the governance policies are. A change made in another process applies everywhere
    within LOCAL_SECONDS, and at once in the process that made it."""

    def __init__(self, key: str, load, timeout: int = 3600):
        self.key, self.load, self.timeout = f"gamification:{key}:v1", load, timeout
        self.local = None

    def get(self):
        import time

        from django.core.cache import cache

        now = time.monotonic()
        if self.local is not None and now - self.local[0] < LOCAL_SECONDS:
            return self.local[1]
        found = cache.get(self.key)
        if found is None:
            found = self.load()
            cache.set(self.key, found, timeout=self.timeout)
        self.local = (now, found)
        return found

    def forget(self, *, everywhere: bool = True) -> None:
        from django.core.cache import cache

        self.local = None
        if everywhere:
            cache.delete(self.key)


def _challengers() -> frozenset[int]:
    """Who has a running challenge still to complete: every award asks, so it is one set
    lookup in memory instead of a query (joining and completing forget it)."""
    today = timezone.localdate()
    return frozenset(
        ChallengeEntry.objects.filter(
            completed_at__isnull=True,
            challenge__starts_on__lte=today,
            challenge__ends_on__gte=today,
        ).values_list("user_id", flat=True)
    )


_settings = _Shared("settings", lambda: GameSettings.objects.get_or_create(pk=1)[0])
_rules = _Shared("rules", lambda: {rule.key: rule for rule in PointRule.objects.all()})
_badges = _Shared(
    "badges",
    lambda: {
        kind: [b for b in Badge.objects.filter(active=True) if b.deed == kind]
        for kind in DeedKind.values
    },
)
# Short in Redis too: whether a challenge runs changes with the date, not only with writes.
_challenges = _Shared("challengers", _challengers, timeout=60)


# Leaderboards are cached for BOARD_SECONDS (points may show up to a minute late); anything
# that changes who may appear on them bumps this generation, so those changes show at once.
BOARD_SECONDS = 60
boards = Generation("gamification:boards")


def leaderboards_changed() -> None:
    boards.changing(0)


def game_settings() -> GameSettings:
    return _settings.get()


def forget_settings(*, everywhere: bool = False) -> None:
    """Tests: a rolled-back test must not leave its rows in process memory (`everywhere`: in
    Redis either, after a test changed rows behind the services' back)."""
    for shared in (_settings, _rules, _badges, _challenges):
        shared.forget(everywhere=everywhere)


def _changed(*shared: _Shared) -> None:
    """After a write: forget now, and again after commit (another request may have read the
    old rows in between)."""
    for one in shared:
        one.forget()
    transaction.on_commit(lambda: [one.forget() for one in shared])


def period_starts(moment: datetime.datetime | None = None) -> dict[str, datetime.date]:
    """The first day of the week (Monday) and month holding `moment`, in the organisation's
    time zone: a point earned late on Sunday evening belongs to that week."""
    day = timezone.localdate(moment or timezone.now())
    return {
        Period.WEEK: day - datetime.timedelta(days=day.weekday()),
        Period.MONTH: day.replace(day=1),
        Period.ALL: ALL_TIME,
    }


# --- Points -------------------------------------------------------------------------------------


def _rule(key: str) -> PointRule | None:
    rule = _rules.get().get(key)
    return rule if rule is not None and rule.active else None


def _tally_rows(*, user_id: int, space_id: int | None, when) -> list[tuple]:
    """(user, space, period, start) of every tally an entry counts in: the three periods for
    the organisation and, when earned in a space, the three for that space."""
    rows = []
    for period, start in period_starts(when).items():
        rows.append((user_id, None, period, start))
        if space_id is not None:
            rows.append((user_id, space_id, period, start))
    return rows


TALLY_UPSERT = (
    "ON CONFLICT (user_id, space_id, period, start) "
    "DO UPDATE SET total = gamification_pointtally.total + EXCLUDED.total"
)


def _add_to_tallies(*, user_id: int, space_id: int | None, points: int, when) -> None:
    rows = _tally_rows(user_id=user_id, space_id=space_id, when=when)
    values = ", ".join(["(%s, %s::bigint, %s, %s::date, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO gamification_pointtally (user_id, space_id, period, start, total) "  # noqa: S608 - no user input in the SQL
            f"VALUES {values} {TALLY_UPSERT}",
            [value for row in rows for value in (*row, points)],
        )


def _insert_paid(
    *, user_id, rule_id, event_key, points, space_id, when, actor_id=None
) -> int | None:
    """The ledger row and its tallies in one statement (one round trip: awarding sits on the
    path of the action that earns it). None when the event has paid already."""
    rows = _tally_rows(user_id=user_id, space_id=space_id, when=when)
    values = ", ".join(["(%s::bigint, %s::bigint, %s, %s::date)"] * len(rows))
    sql = f"""
        WITH entry AS (
            INSERT INTO gamification_ledgerentry
                (user_id, rule_id, event_key, points, space_id, actor_id, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s)
            ON CONFLICT (event_key, rule_id) DO NOTHING
            RETURNING id, points
        ), tallies AS (
            INSERT INTO gamification_pointtally (user_id, space_id, period, start, total)
            SELECT v.u, v.s, v.p, v.st, entry.points
            FROM entry CROSS JOIN (VALUES {values}) AS v (u, s, p, st)
            {TALLY_UPSERT}
        )
        SELECT id FROM entry
    """  # noqa: S608 - no user input in the SQL, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [user_id, rule_id, event_key, points, space_id, actor_id, when]
            + [value for row in rows for value in row],
        )
        found = cursor.fetchone()
    return found[0] if found else None


def in_private_circle(*, space_id: int, user_id: int) -> bool:
    """Whether content in this space is seen only by `user_id`'s own private circle, and so
    pays them nothing. Kept simple on purpose: the space is not "in the open" (open to every
    colleague with View not narrowed, governance.permissions.in_the_open_filter) and nobody
    but the person being paid is an active member of it: a secret or private space one made
    for oneself. Administrators read every space by role and do not count as an audience. A
    circle grown with one accomplice is held by the daily and pair caps instead."""
    from intranet.governance.models import Membership, Space

    others = Membership.objects.filter(space_id=OuterRef("pk"), user__is_active=True).exclude(
        user_id=user_id
    )
    return (
        Space.objects.filter(pk=space_id)
        .exclude(permissions.in_the_open_filter())
        .exclude(Exists(others))
        .exists()
    )


def _day_start(when) -> datetime.datetime:
    return timezone.localtime(when).replace(hour=0, minute=0, second=0, microsecond=0)


def _under_caps(*, rule: PointRule, user_id: int, actor_id: int | None, when) -> int:
    """The points this award may still pay under the rule's caps (0: none). The caps count
    awards (not their reversals or restorations): taking content down and putting it up
    again does not make room under a cap. Callers hold the people's row locks."""
    points = rule.points
    awards = LedgerEntry.objects.filter(rule=rule, reverses__isnull=True)
    if rule.daily_cap is not None:
        today = awards.filter(user_id=user_id, created_at__gte=_day_start(when))
        paid = today.aggregate(n=Sum("points"))["n"] or 0
        points = min(points, max(rule.daily_cap - paid, 0))
    if points > 0 and rule.pair_cap is not None and actor_id is not None:
        # The same two people, whichever of them decided, in the calendar week of the award.
        week = period_starts(when)[Period.WEEK]
        since = timezone.make_aware(datetime.datetime.combine(week, datetime.time.min))
        between = awards.filter(created_at__gte=since).filter(
            Q(user_id=user_id, actor_id=actor_id) | Q(user_id=actor_id, actor_id=user_id)
        )
        paid = between.aggregate(n=Sum("points"))["n"] or 0
        points = min(points, max(rule.pair_cap - paid, 0))
    return points


def award(
    *,
    user_id: int | None,
    rule_key: str,
    event_key: str,
    actor_id: int | None = None,
    space_id: int | None = None,
) -> LedgerEntry | None:
    """Pay `user_id` the rule's points for the event, once. Nothing when points are switched
    off, the rule is off, people act on their own content (actor is the receiver), the content
    is in the receiver's own private circle (`in_private_circle`), or past the rule's daily
    cap or its weekly cap between the receiver and the actor (then only what fits under the
    caps). `actor_id` is whose decision pays (who accepted the answer), kept in the ledger."""
    if user_id is None or actor_id == user_id or not game_settings().points_on:
        return None
    rule = _rule(rule_key)
    if rule is None:
        return None
    if space_id is not None and in_private_circle(space_id=space_id, user_id=user_id):
        return None
    when = timezone.now()
    paired = rule.pair_cap is not None and actor_id is not None
    capped = rule.daily_cap is not None or paired
    # Without a cap the one statement below is atomic on its own: no transaction round trips.
    with transaction.atomic() if capped else contextlib.nullcontext():
        points = rule.points
        if capped:
            # Lock the people's rows (in id order, no deadlock): two awards at once, to the
            # same person or between the same two, must not both fit under a cap.
            from django.contrib.auth import get_user_model

            locked = sorted({user_id, actor_id} if paired else {user_id})
            list(
                get_user_model()
                .objects.select_for_update()
                .filter(pk__in=locked)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            points = _under_caps(rule=rule, user_id=user_id, actor_id=actor_id, when=when)
        if points <= 0:
            return None
        entry_id = _insert_paid(
            user_id=user_id,
            rule_id=rule.pk,
            event_key=event_key,
            points=points,
            space_id=space_id,
            when=when,
            actor_id=actor_id,
        )
        if entry_id is None:
            return None  # this event paid already (a retry or a replay)
        bus.publish(events.PointsAwarded(user_id=user_id, entry_id=entry_id, points=points))
    return LedgerEntry(
        pk=entry_id,
        user_id=user_id,
        rule=rule,
        event_key=event_key,
        points=points,
        space_id=space_id,
        actor_id=actor_id,
        created_at=when,
    )


def _flip(*, rule_key: str, event_key: str, paid: bool) -> LedgerEntry | None:
    """Entries about one event form a chain: the award, its reversal, the reversal of that
    (content restored) ... The chain's last entry says whether the event stands paid; a new
    entry undoes it, when it is in the state asked for (`paid`). The tallies change in the
    period the points were first earned in, so last week's board loses what was taken back."""
    with transaction.atomic():
        first = (
            LedgerEntry.objects.select_for_update()
            .filter(rule__key=rule_key, event_key=event_key)
            .first()
        )
        entry, depth = first, 0
        while entry is not None and hasattr(entry, "reversed_by"):
            entry, depth = entry.reversed_by, depth + 1
        if entry is None or (entry.points > 0) != paid:
            return None
        undo = LedgerEntry.objects.create(
            user_id=entry.user_id,
            rule_id=entry.rule_id,
            event_key=f"undo{depth + 1}:{event_key}",
            points=-entry.points,
            space_id=entry.space_id,
            actor_id=entry.actor_id,
            reverses=entry,
        )
        _add_to_tallies(
            user_id=entry.user_id,
            space_id=entry.space_id,
            points=-entry.points,
            when=first.created_at,
        )
    return undo


def reverse(*, rule_key: str, event_key: str) -> LedgerEntry | None:
    """Take back what an event paid (its content was hidden or deleted, an accept withdrawn):
    a negative entry, once; nothing is ever deleted from the ledger."""
    return _flip(rule_key=rule_key, event_key=event_key, paid=True)


def restore(*, rule_key: str, event_key: str) -> LedgerEntry | None:
    """The content came back (a moderator restored it): the points come back too."""
    return _flip(rule_key=rule_key, event_key=event_key, paid=False)


def _whole_number(raw, *, low: int, high: int | None = None, empty_ok: bool = False) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not text and empty_ok:
        return None
    number = int(text)  # ValueError for anything but a whole number
    if number < low or (high is not None and number > high):
        raise ValueError
    return number


# Rules paid by another person's decision: the rules page asks for their weekly cap per pair.
PAIRED_RULES = frozenset(PAIR_CAPS)


def save_rules(*, actor, rows: dict[int, dict]) -> list[PointRule]:
    """Administrators set each rule's points, daily cap (required: every rule has one), weekly
    cap per pair (for rules paid by another's decision) and whether it pays at all. All rows
    are checked first: one bad value saves nothing. Each change is in the audit log."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    rules = {rule.pk: rule for rule in PointRule.objects.all()}
    cleaned = {}
    errors = []
    for rule_id, row in rows.items():
        rule = rules.get(rule_id)
        if rule is None:
            raise ValidationError(_("Unknown rule."))
        try:
            points = _whole_number(row.get("points"), low=0, high=1000)
            # Every rule has a daily cap; rules paid by another's decision a pair cap too.
            cap = _whole_number(row.get("daily_cap"), low=1, high=10000)
            pair_cap = None
            if rule.key in PAIRED_RULES:
                pair_cap = _whole_number(row.get("pair_cap"), low=1, high=10000)
        except ValueError:
            errors.append(
                _(
                    "%(rule)s: points from 0 to 1,000; a daily cap (and a weekly cap per "
                    "pair, where asked) from 1 to 10,000."
                )
                % {"rule": rule}
            )
            continue
        cleaned[rule_id] = (points, cap, pair_cap, bool(row.get("active")))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rules = {rule.pk: rule for rule in PointRule.objects.select_for_update()}
        for rule_id, (points, cap, pair_cap, active) in cleaned.items():
            rule = rules[rule_id]
            fields = ("points", "daily_cap", "pair_cap", "active")
            before = {field: getattr(rule, field) for field in fields}
            after = {"points": points, "daily_cap": cap, "pair_cap": pair_cap, "active": active}
            if before == after:
                continue
            for field, value in after.items():
                setattr(rule, field, value)
            rule.save(update_fields=list(fields))
            _changed(_rules)
            audit.record(actor=actor, action="points.rule", target=rule, before=before, after=after)
    return list(rules.values())


def save_settings(
    *, actor, points_on: bool, leaderboards_on: bool, visible_by_default: bool
) -> GameSettings:
    """The organisation's switches, audited: a works council may ask who changed what."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    with transaction.atomic():
        found = GameSettings.objects.select_for_update().get_or_create(pk=1)[0]
        fields = ("points_on", "leaderboards_on", "visible_by_default")
        before = {field: getattr(found, field) for field in fields}
        after = {
            "points_on": bool(points_on),
            "leaderboards_on": bool(leaderboards_on),
            "visible_by_default": bool(visible_by_default),
        }
        if before != after:
            for field, value in after.items():
                setattr(found, field, value)
            found.save(update_fields=[*fields, "updated_at"])
            _changed(_settings)
            leaderboards_changed()
            audit.record(
                actor=actor, action="points.settings", target=found, before=before, after=after
            )
    return found


def set_visibility(*, user, visible: bool) -> Privacy:
    """A person's own choice: appear on leaderboards and show points, level and badges to
    colleagues, or not. Takes effect on the next page everywhere (nothing is cached per
    person)."""
    if not permissions.is_active(user):
        raise PermissionDenied
    found, _created = Privacy.objects.update_or_create(
        user=user, defaults={"visible": bool(visible)}
    )
    user.__dict__.pop("_game_visible", None)
    leaderboards_changed()
    return found


# --- Deeds and badges ---------------------------------------------------------------------------


def _tier_rows(badges, now) -> tuple[str, list]:
    """VALUES of (badge, tier, need, space, since) for every tier of these badges."""
    rows = [
        (
            badge.pk,
            int(tier),
            need,
            badge.space_id,
            now - datetime.timedelta(days=badge.period_days) if badge.period_days else None,
        )
        for badge in badges
        for tier, need in badge.thresholds()
    ]
    one = "(%s::bigint, %s::smallint, %s::int, %s::bigint, %s::timestamptz)"
    return ", ".join([one] * len(rows)), [value for row in rows for value in row]


# A tier row is reached when the person's deeds of the kind, within the badge's space and
# period, number at least its need; `extra` adds a deed the same statement is inserting. The
# count without limits (most badges) is taken once, in `plain`; CASE only runs the limited one.
PLAIN_COUNT = """plain AS (
    SELECT COUNT(*) AS n FROM gamification_deed
    WHERE user_id = %s AND kind = %s AND NOT void
)"""
TIER_REACHED = """CASE WHEN t.space IS NULL AND t.since IS NULL THEN plain.n ELSE (
    SELECT COUNT(*) FROM gamification_deed d
    WHERE d.user_id = %s AND d.kind = %s AND NOT d.void
      AND (t.space IS NULL OR d.space_id = t.space)
      AND (t.since IS NULL OR d.created_at >= t.since)
) END + {extra} >= t.need"""


def _announce(*, user_id: int, created, now) -> list[BadgeAward]:
    earned = []
    for award_id, badge_id, tier in sorted(created, key=lambda row: (row[1], row[2])):
        earned.append(
            BadgeAward(pk=award_id, user_id=user_id, badge_id=badge_id, tier=tier, awarded_at=now)
        )
        bus.publish(
            events.BadgeEarned(user_id=user_id, badge_id=badge_id, award_id=award_id, tier=tier)
        )
    return earned


def record_deed(
    *, user_id: int | None, kind: str, event_key: str, space_id: int | None = None
) -> list[BadgeAward]:
    """Note what someone did (once per thing) and award the badges it completes: one
    statement (the deed and every tier it reaches), as it sits on the path of the action."""
    if user_id is None:
        return []
    now = timezone.now()
    deed_sql = (
        "INSERT INTO gamification_deed (user_id, kind, event_key, space_id, void, created_at) "
        "VALUES (%s, %s, %s, %s::bigint, false, %s) "
        "ON CONFLICT (kind, event_key, user_id) DO NOTHING RETURNING id, space_id"
    )
    deed_params = [user_id, kind, event_key, space_id, now]
    badges = _badges.get().get(kind, [])
    with connection.cursor() as cursor:
        if not badges:
            cursor.execute(deed_sql, deed_params)
            return []
        values, tier_params = _tier_rows(badges, now)
        reached = TIER_REACHED.format(
            extra="CASE WHEN t.space IS NULL OR deed.space_id = t.space THEN 1 ELSE 0 END"
        )
        cursor.execute(
            f"""
            WITH deed AS ({deed_sql}), {PLAIN_COUNT}, awards AS (
                INSERT INTO gamification_badgeaward (user_id, badge_id, tier, awarded_at)
                SELECT %s, t.badge, t.tier, %s
                FROM deed, plain, (VALUES {values}) AS t (badge, tier, need, space, since)
                WHERE {reached}
                ON CONFLICT (user_id, badge_id, tier) DO NOTHING
                RETURNING id, badge_id, tier
            )
            SELECT a.id, a.badge_id, a.tier FROM awards a
            """,  # noqa: S608 - no user input in the SQL, values are parameters
            [*deed_params, user_id, kind, user_id, now, *tier_params, user_id, kind],
        )
        created = cursor.fetchall()
    return _announce(user_id=user_id, created=created, now=now)


def void_deeds(*, event_key: str, void: bool = True) -> int:
    """The content went away (or came back): its deeds stop (or start again) counting for
    badges still to earn. Badges already earned stay: they were earned. Content that comes
    back may complete a badge at once."""
    changed = list(
        Deed.objects.filter(event_key=event_key)
        .exclude(void=void)
        .values_list("user_id", "kind")
        .distinct()
    )
    count = Deed.objects.filter(event_key=event_key).exclude(void=void).update(void=void)
    if not void:
        for user_id, kind in changed:
            evaluate_badges(user_id=user_id, kind=kind)
    return count


def _count(*, user_id: int, badge: Badge) -> int:
    deeds = Deed.objects.filter(user_id=user_id, kind=badge.deed, void=False)
    if badge.space_id is not None:
        deeds = deeds.filter(space_id=badge.space_id)
    if badge.period_days:
        deeds = deeds.filter(
            created_at__gte=timezone.now() - datetime.timedelta(days=badge.period_days)
        )
    return deeds.count()


def evaluate_badges(*, user_id: int, kind: str) -> list[BadgeAward]:
    """Award every tier of every active badge counting `kind` that the person reaches now, in
    one statement; a tier held already is left alone (unique row). Only newly earned tiers
    come back, and each is announced."""
    badges = _badges.get().get(kind, [])
    if not badges:
        return []
    now = timezone.now()
    values, tier_params = _tier_rows(badges, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {PLAIN_COUNT}
            INSERT INTO gamification_badgeaward (user_id, badge_id, tier, awarded_at)
            SELECT %s, t.badge, t.tier, %s
            FROM plain, (VALUES {values}) AS t (badge, tier, need, space, since)
            WHERE {TIER_REACHED.format(extra=0)}
            ON CONFLICT (user_id, badge_id, tier) DO NOTHING
            RETURNING id, badge_id, tier
            """,  # noqa: S608 - no user input in the SQL, values are parameters
            [user_id, kind, user_id, now, *tier_params, user_id, kind],
        )
        created = cursor.fetchall()
    return _announce(user_id=user_id, created=created, now=now)


BADGE_FIELDS = (
    "name",
    "name_nl",
    "description",
    "description_nl",
    "deed",
    "bronze",
    "silver",
    "gold",
    "period_days",
    "space",
    "active",
)


def save_badge(*, actor, badge: Badge | None, data: dict) -> Badge:
    """Create or change a badge. Criteria are checked whole: an unknown deed, tiers that do not
    rise, a space that does not exist are refused and nothing is saved."""
    from intranet.governance.models import Space

    if not permissions.is_administrator(actor):
        raise PermissionDenied
    errors = {}
    name = (data.get("name") or "").strip()
    name_nl = (data.get("name_nl") or "").strip()
    if not name or not name_nl:
        errors["name"] = _("Give the badge a name in English and in Dutch.")
    deed = data.get("deed") or ""
    if deed not in DeedKind.values:
        errors["deed"] = _(
            "Choose what the badge counts from the list; '%(deed)s' is not known."
        ) % {"deed": deed}
    try:
        bronze = _whole_number(data.get("bronze"), low=1, high=100000)
        silver = _whole_number(data.get("silver"), low=1, high=100000, empty_ok=True)
        gold = _whole_number(data.get("gold"), low=1, high=100000, empty_ok=True)
        if gold is not None and silver is None:
            raise ValueError
        rising = [n for n in (bronze, silver, gold) if n is not None]
        if rising != sorted(set(rising)):
            raise ValueError
    except ValueError:
        errors["bronze"] = _(
            "Bronze, silver and gold are whole numbers from 1, each higher than the one before "
            "(silver and gold may stay empty)."
        )
        bronze = silver = gold = None
    try:
        period_days = _whole_number(data.get("period_days"), low=1, high=3650, empty_ok=True)
    except ValueError:
        errors["period_days"] = _("Within days: a whole number from 1 to 3,650, or empty.")
        period_days = None
    space = None
    space_id = str(data.get("space") or "").strip()
    if space_id:
        space = Space.objects.filter(pk=int(space_id) if space_id.isdecimal() else 0).first()
        if space is None:
            errors["space"] = _("This space does not exist.")
    if errors:
        raise ValidationError(errors)
    values = {
        "name": name[:80],
        "name_nl": name_nl[:80],
        "description": (data.get("description") or "").strip()[:240],
        "description_nl": (data.get("description_nl") or "").strip()[:240],
        "deed": deed,
        "bronze": bronze,
        "silver": silver,
        "gold": gold,
        "period_days": period_days,
        "space": space,
        "active": bool(data.get("active")),
    }
    with transaction.atomic():
        before = None
        if badge is None:
            badge = Badge.objects.create(**values)
        else:
            before = {field: str(getattr(badge, field)) for field in BADGE_FIELDS}
            for field, value in values.items():
                setattr(badge, field, value)
            badge.save(update_fields=list(values))
        after = {field: str(getattr(badge, field)) for field in BADGE_FIELDS}
        _changed(_badges)
        audit.record(actor=actor, action="badge.save", target=badge, before=before, after=after)
    return badge


# --- Success stories ----------------------------------------------------------------------------


def _may_publish(actor, space) -> bool:
    return permissions.access_for(actor, space).can(Action.PUBLISH_STORY)


def _story_fields(*, title: str, challenge: str, approach: str, result: str) -> dict:
    from intranet.activity.text import render

    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the story a title.")
    elif len(title) > 160:
        errors["title"] = _("Keep the title under 160 characters.")
    parts = {"challenge": challenge, "approach": approach, "result": result}
    labels = {
        "challenge": _("Describe the challenge."),
        "approach": _("Describe what was done."),
        "result": _("Describe the result."),
    }
    for field, text in parts.items():
        text = (text or "").strip()
        if not text:
            errors[field] = labels[field]
        elif len(text) > 10000:
            errors[field] = _("Keep each part under 10,000 characters.")
        parts[field] = text
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        **parts,
        **{f"{field}_html": render(text) for field, text in parts.items()},
    }


def _tagged(*, people_ids, team_ids) -> tuple[list, list]:
    from django.contrib.auth import get_user_model

    from intranet.governance.models import Department

    people_ids = {int(pk) for pk in people_ids if str(pk).isdecimal()}
    team_ids = {int(pk) for pk in team_ids if str(pk).isdecimal()}
    if len(people_ids) > MAX_PEOPLE_TAGGED:
        raise ValidationError({"people": _("Tag at most 30 people.")})
    people = list(get_user_model().objects.filter(pk__in=people_ids, is_active=True))
    teams = list(Department.objects.filter(pk__in=team_ids))
    if len(people) != len(people_ids):
        raise ValidationError({"people": _("Some of the people tagged are not colleagues here.")})
    if len(teams) != len(team_ids):
        raise ValidationError({"teams": _("Some of the teams tagged do not exist.")})
    return people, teams


def _image_rows(uploads, alts) -> list[tuple[bytes, str]]:
    from intranet.core.images import reencode_upload

    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > MAX_IMAGES:
        raise ValidationError({"images": _("Add at most 6 images.")})
    alts = list(alts or [])
    return [
        (
            reencode_upload(upload, field="images", box=(1600, 1600)),
            (alts[index] if index < len(alts) else "").strip()[:200],
        )
        for index, upload in enumerate(uploads)
    ]


def publish_story(
    *,
    author,
    space,
    title: str,
    challenge: str,
    approach: str,
    result: str,
    people_ids=(),
    team_ids=(),
    images=(),
    image_alts=(),
) -> Story:
    """A success story in a space whose matrix lets the author publish stories. Everyone tagged
    hears about it and earns the story's points and badges (handlers, after commit)."""
    from django.core.files.base import ContentFile

    if not _may_publish(author, space):
        raise PermissionDenied
    fields = _story_fields(title=title, challenge=challenge, approach=approach, result=result)
    people, teams = _tagged(people_ids=people_ids, team_ids=team_ids)
    pictures = _image_rows(images, image_alts)  # decoded before anything is written
    ratelimit.guard(user=author, action="story")
    with transaction.atomic():
        story = Story.objects.create(space=space, author=author, **fields)
        story.people.set(people)
        story.teams.set(teams)
        for number, (content, alt) in enumerate(pictures, start=1):
            image = StoryImage(
                story=story,
                name=f"image-{number}.webp",
                content_type="image/webp",
                size=len(content),
                uploaded_by=author,
                alt=alt,
            )
            image.file.save(image.name, ContentFile(content), save=False)
            image.save()
        bus.publish(
            events.StoryPublished(
                story_id=story.pk,
                space_id=space.pk,
                author_id=author.pk,
                people_ids=sorted(person.pk for person in people),
            )
        )
    return story


def feature_story(*, actor, story: Story, featured: bool) -> Story:
    """Administrators and community managers choose the stories on the home page."""
    if not may_appoint(actor):
        raise PermissionDenied
    story.featured = bool(featured)
    story.save(update_fields=["featured", "updated_at"])
    audit.record(
        actor=actor, action="story.feature", target=story, before=None, after={"featured": featured}
    )
    return story


def record_reuse(*, user, story: Story, kind: str, note: str = "") -> Reuse:
    """'This helped us', for the user's team: once per team and story. Not for the teams the
    story is about: reuse is what a story brings elsewhere."""
    from gamification import selectors

    if not selectors.stories_visible_to(user=user).filter(pk=story.pk).exists():
        raise PermissionDenied
    if kind not in ReuseKind.values:
        raise ValidationError({"kind": _("Choose what the story brought your team.")})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Keep it under 300 characters.")})
    if user.department_id is None:
        raise ValidationError(
            _("Reuse counts per team and you are not in a department yet. Ask an administrator.")
        )
    own = {story.author.department_id if story.author else None} | set(
        story.teams.values_list("pk", flat=True)
    )
    if user.department_id in own:
        raise ValidationError(_("This story is your team's own: reuse counts for other teams."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                reuse = Reuse.objects.create(
                    story=story, department_id=user.department_id, user=user, kind=kind, note=note
                )
        except IntegrityError:
            raise ValidationError(
                _("Your team has already said this story helped; it counts once per team.")
            ) from None
        Story.objects.filter(pk=story.pk).update(reuse_count=F("reuse_count") + 1)
        bus.publish(
            events.StoryReused(
                reuse_id=reuse.pk,
                story_id=story.pk,
                space_id=story.space_id,
                user_id=user.pk,
                department_id=user.department_id,
                credited_ids=sorted(
                    {story.author_id, *story.people.values_list("pk", flat=True)} - {None}
                ),
            )
        )
    return reuse


# --- Ambassadors --------------------------------------------------------------------------------


def may_appoint(user) -> bool:
    return permissions.may_appoint_ambassadors(user)


def appoint_ambassador(*, actor, user, department=None) -> Ambassador:
    """An ambassador for a department (theirs unless said otherwise); earns the badge."""
    if not may_appoint(actor):
        raise PermissionDenied
    if not user.is_active or permissions.is_guest(user):
        raise ValidationError(_("Only active colleagues (not guests) can be ambassadors."))
    department = department or user.department
    if department is None:
        raise ValidationError(_("Choose the department this ambassador is for."))
    with transaction.atomic():
        ambassador, _created = Ambassador.objects.update_or_create(
            user=user, defaults={"department": department, "appointed_by": actor}
        )
        audit.record(
            actor=actor,
            action="ambassador.appoint",
            target=user,
            before=None,
            after={"department": department.name},
        )
        # Their own space: every ambassador is a member of the ambassadors' community.
        from intranet.governance import services as governance

        governance.add_programme_member(
            actor=actor, space=ensure_ambassador_space(actor=actor), user=user
        )
        transaction.on_commit(
            lambda: record_deed(
                user_id=user.pk, kind=DeedKind.AMBASSADOR, event_key=f"ambassador:{user.pk}"
            )
        )
        transaction.on_commit(_people_changed)
    return ambassador


def _people_changed() -> None:
    """The directory's cards show who is an ambassador: its rendered pages expire."""
    from profiles import selectors as profile_selectors

    profile_selectors.people_changed()


def end_ambassadorship(*, actor, user) -> None:
    """The role ends; their log stays (it happened), and so does their membership of the
    ambassadors' space (its owners decide who stays there)."""
    if not may_appoint(actor):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = Ambassador.objects.filter(user=user).delete()
        if deleted:
            audit.record(actor=actor, action="ambassador.end", target=user, before=None, after=None)
            transaction.on_commit(_people_changed)


AMBASSADOR_SPACE_SLUG = "ambassadors"


def ensure_ambassador_space(*, actor):
    """The ambassadors' own community space, made the first time it is needed (by `actor`,
    who owns it then) through the governance services; the same space every later time.
    Private: listed to colleagues, who may ask to join; ambassadors are added on appointment."""
    from intranet.governance import services as governance
    from intranet.governance.constants import SpaceKind, Visibility
    from intranet.governance.models import Space

    if not may_appoint(actor):
        raise PermissionDenied
    with transaction.atomic():
        # Locked: two first appointments at once make one space.
        found = GameSettings.objects.select_for_update().get_or_create(pk=1)[0]
        if found.ambassador_space_id is not None:
            space = Space.objects.filter(pk=found.ambassador_space_id).first()
            if space is not None:
                return space
        space = None
        for number in range(1, 20):
            slug = AMBASSADOR_SPACE_SLUG if number == 1 else f"{AMBASSADOR_SPACE_SLUG}-{number}"
            if Space.objects.filter(slug=slug).exists():
                continue  # someone's own space took the address: the next one
            space = governance.create_space(
                actor=actor,
                kind=SpaceKind.COMMUNITY,
                name=_("Ambassadors"),
                slug=slug,
                description=_(
                    "The ambassadors' own space: share what works, prepare sessions, ask each "
                    "other for help."
                ),
                visibility=Visibility.PRIVATE,
                closed_reason=_(
                    "A place for the ambassadors to prepare together; ask to join if you "
                    "would like to help."
                ),
            )
            break
        if space is None:
            raise ValidationError(_("No web address is free for the ambassadors' space."))
        found.ambassador_space = space
        found.save(update_fields=["ambassador_space", "updated_at"])
        _changed(_settings)
    return space


def ambassador_space_id() -> int | None:
    return game_settings().ambassador_space_id


def set_hours_granted(*, actor, user, hours: int) -> Ambassador:
    """Hours a month the ambassador may spend on the role, agreed with their manager and set
    by an administrator."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    if not isinstance(hours, int) or not 0 <= hours <= MAX_HOURS_GRANTED:
        raise ValidationError(
            {
                "hours": _("Give a whole number of hours from 0 to %(most)d.")
                % {"most": MAX_HOURS_GRANTED}
            }
        )
    with transaction.atomic():
        found = Ambassador.objects.select_for_update().filter(user=user).first()
        if found is None:
            raise ValidationError(_("%(name)s is not an ambassador.") % {"name": user})
        if found.hours_granted != hours:
            before = found.hours_granted
            found.hours_granted = hours
            found.save(update_fields=["hours_granted"])
            audit.record(
                actor=actor,
                action="ambassador.hours",
                target=user,
                before={"hours_granted": before},
                after={"hours_granted": hours},
            )
    return found


MAX_LOG_HOURS = decimal.Decimal(24)


def log_ambassador_activity(
    *, actor, kind: str, date, hours, department=None, note: str = ""
) -> AmbassadorActivity:
    """An ambassador writes down a session they gave or a team they helped (their own log)."""
    if not permissions.is_active(actor) or not Ambassador.objects.filter(user=actor).exists():
        raise PermissionDenied
    errors = {}
    if kind not in AmbassadorActivityKind.values:
        errors["kind"] = _("Choose a session given or a team helped.")
    today = timezone.localdate()
    if (
        not isinstance(date, datetime.date)
        or date > today
        or date < today - datetime.timedelta(days=366)
    ):
        errors["date"] = _("Give a date in the past year, not in the future.")
    if (
        not isinstance(hours, decimal.Decimal)
        or not decimal.Decimal("0.1") <= hours <= MAX_LOG_HOURS
    ):
        errors["hours"] = _("Give the hours it took: more than 0, at most 24 (e.g. 1.5).")
    note = " ".join((note or "").split())
    if len(note) > 300:
        errors["note"] = _("At most %(limit)d characters.") % {"limit": 300}
    if kind == AmbassadorActivityKind.TEAM_HELPED and department is None:
        errors["department"] = _("Choose the team you helped.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return AmbassadorActivity.objects.create(
            ambassador=actor,
            kind=kind,
            date=date,
            department=department,
            note=note,
            hours=hours.quantize(decimal.Decimal("0.1")),
        )


# --- Invitations: informal leaders get room, with consent (issue 22) ---------------------------

# The people view shows this many people (insights.views.PAGE_ROWS; a test keeps them equal):
# an invitation is sent only to someone in the view the administrator has open.
PEOPLE_VIEW_ROWS = 25
# Words that name a measure of the network or a place in it. The reason is for the person, in
# the administrator's words: why they would be good at this, never their score.
SCORE_WORDS = re.compile(
    r"\b(page\s*rank|betweenness|centralit(y|eit)|scores?|ranking|rang|ranked|percentiel|"
    r"percentile|top\s*\d+)\b",
    re.IGNORECASE,
)
REASON_MIN, REASON_MAX = 20, 2000


def may_invite(user) -> bool:
    """Administrators who may open the person-level insights (switched on, granted)."""
    from insights import access as insights_access

    return permissions.is_administrator(user) and insights_access.may_view_people(user)


def in_people_view(*, actor, person_id: int, window: int, measure: str) -> bool:
    """Is the person shown to `actor` in the person-level view of that measure and period,
    as the page draws it (its access, the organisation's minimum group, opt-outs)?"""
    from insights import selectors as insights
    from insights.models import WINDOWS

    if not may_invite(actor) or window not in WINDOWS or measure not in insights.MEASURES:
        return False
    rows = insights.named_people(window=window, measure=measure, limit=PEOPLE_VIEW_ROWS)
    return any(row.user_id == person_id for row in rows)


def _why_not_invitable(person) -> str | None:
    from intranet.tokens.models import ServiceAccount

    if ServiceAccount.objects.filter(user_id=person.pk).exists():
        return _("%(name)s is a service account (an integration), not a person to invite.")
    if not person.is_active:
        return _("%(name)s no longer has an active account.")
    if permissions.is_guest(person):
        return _("%(name)s is a guest; only colleagues can take these roles.")
    return None


def check_invitable(*, actor, person, window: int, measure: str) -> None:
    """May `actor` invite `person` from this person view? Forbidden (404) unless they may
    invite; a person who cannot take a role (an integration, a closed account, a guest) is
    refused with the reason; anyone not shown in that view now is forbidden too."""
    if not may_invite(actor):
        raise PermissionDenied
    refused = _why_not_invitable(person)
    if refused:
        raise ValidationError(refused % {"name": person.display_name})
    if not in_people_view(actor=actor, person_id=person.pk, window=window, measure=measure):
        raise PermissionDenied


def invite_leader(
    *,
    actor,
    person,
    kind: str,
    reason: str,
    window: int,
    measure: str,
    counterpart_email: str = "",
    skill: str = "",
) -> LeadershipInvitation:
    """From the person-level insights: an administrator invites someone shown there into the
    ambassador programme or to mentor. Nothing changes for them until they accept; the
    invitation holds the administrator's reason, never a figure of the insights."""
    from django.contrib.auth import get_user_model

    check_invitable(actor=actor, person=person, window=window, measure=measure)
    errors = {}
    if kind not in InvitationKind.values:
        errors["kind"] = _("Choose the ambassador programme or mentoring.")
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        errors["reason"] = _(
            "Tell them why, in your own words: %(least)d to %(most)d characters."
        ) % {"least": REASON_MIN, "most": REASON_MAX}
    elif SCORE_WORDS.search(reason):
        errors["reason"] = _(
            "Say why in your own words: the invitation never mentions scores, measures or rankings."
        )
    counterpart = None
    skill = " ".join((skill or "").split())
    if kind == InvitationKind.AMBASSADOR:
        if counterpart_email or skill:
            errors["counterpart"] = _("A colleague and a skill go with mentoring only.")
        elif person.department_id is None:
            errors["kind"] = _(
                "%(name)s has no department yet; ambassadors are appointed for one."
            ) % {"name": person.display_name}
        elif Ambassador.objects.filter(user=person).exists():
            errors["kind"] = _("%(name)s is already an ambassador.") % {"name": person.display_name}
    elif kind == InvitationKind.MENTORING:
        if len(skill) > 60 or (skill and not slugify(skill)):
            errors["skill"] = _("Name the skill in at most 60 letters or digits.")
        if counterpart_email:
            counterpart = (
                get_user_model()
                .objects.filter(permissions.colleague_filter(), email__iexact=counterpart_email)
                .first()
            )
            if counterpart is None or counterpart.pk == person.pk:
                errors["counterpart"] = _("Choose another colleague by their email address.")
            elif not skill:
                errors["skill"] = _("Name the skill they would mentor this colleague on.")
            elif "skill" not in errors and not _seeks_mentoring(counterpart, skill):
                errors["counterpart"] = _(
                    "%(name)s does not look for a mentor on %(skill)s (Mentoring page)."
                ) % {"name": counterpart.display_name, "skill": skill}
    if errors:
        raise ValidationError(errors)
    return _record_invitation(
        actor=actor, person=person, kind=kind, reason=reason, counterpart=counterpart, skill=skill
    )


def _record_invitation(
    *, actor, person, kind: str, reason: str, counterpart=None, skill: str = ""
) -> LeadershipInvitation:
    """The invitation as stored, audited and announced, once invite_leader checked it (and the
    demo, whose person-level insights are off by default, for its one invited ambassador)."""
    try:
        with transaction.atomic():
            invitation = LeadershipInvitation.objects.create(
                person=person,
                invited_by=actor,
                kind=kind,
                reason=reason,
                counterpart=counterpart,
                skill=skill,
            )
            audit.record(
                actor=actor,
                action="leadership.invite",
                target=person,
                after={
                    "kind": kind,
                    "counterpart": getattr(counterpart, "pk", None),
                    "skill": skill,
                },
            )
            bus.publish(
                events.LeadershipInvited(
                    invitation_id=invitation.pk, person_id=person.pk, actor_id=actor.pk, kind=kind
                )
            )
    except IntegrityError as error:
        raise ValidationError(
            _("%(name)s already has an invitation of this kind waiting for an answer.")
            % {"name": person.display_name}
        ) from error
    return invitation


def _seeks_mentoring(person, skill: str) -> bool:
    from profiles.models import MentoringOffer, MentoringRole

    return MentoringOffer.objects.filter(
        person=person, skill__slug=slugify(skill), role=MentoringRole.MENTEE
    ).exists()


def _open_invitation(*, invitation_id: int, **filters) -> LeadershipInvitation:
    """An invitation, locked; a missing one and someone else's are the same (404)."""
    found = (
        LeadershipInvitation.objects.select_for_update().filter(pk=invitation_id, **filters).first()
    )
    if found is None:
        raise PermissionDenied
    return found


def _still_pending(invitation: LeadershipInvitation) -> None:
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))


def _close(*, invitation: LeadershipInvitation, actor, status: str) -> None:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit.record(
        actor=actor,
        action=f"leadership.{status}",
        target=invitation.person,
        after={"kind": invitation.kind, "invitation": invitation.pk},
    )
    bus.publish(
        events.LeadershipAnswered(
            invitation_id=invitation.pk,
            person_id=invitation.person_id,
            actor_id=actor.pk,
            inviter_id=invitation.invited_by_id,
            kind=invitation.kind,
            status=status,
        )
    )


def answer_invitation(*, actor, invitation_id: int, accept: bool, skill: str = ""):
    """Only the person invited answers. Accepting takes the role through the existing services
    (appointed as ambassador by the administrator who asked; a mentoring offer, and with a
    colleague named, a proposal they in turn accept or decline); declining changes nothing
    else. All of it happens, or none of it."""
    if not permissions.is_active(actor):
        raise PermissionDenied
    with transaction.atomic():
        invitation = _open_invitation(invitation_id=invitation_id, person_id=actor.pk)
        _still_pending(invitation)
        if accept:
            if invitation.kind == InvitationKind.AMBASSADOR:
                _accept_ambassador(invitation=invitation, person=actor)
            else:
                _accept_mentoring(invitation=invitation, person=actor, skill=skill)
        _close(
            invitation=invitation,
            actor=actor,
            status=InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED,
        )
    return invitation


def _accept_ambassador(*, invitation, person) -> None:
    inviter = invitation.invited_by
    if inviter is None or not may_appoint(inviter):
        raise ValidationError(
            _(
                "This invitation can no longer be accepted: the person who sent it no longer "
                "appoints ambassadors. Ask an administrator to invite you again."
            )
        )
    if person.department_id is None:
        raise ValidationError(
            _("You have no department yet; ask an administrator to set it first.")
        )
    appoint_ambassador(actor=inviter, user=person)


def _accept_mentoring(*, invitation, person, skill: str) -> None:
    from profiles import services as profiles
    from profiles.models import MentoringOffer, MentoringRole

    skill = invitation.skill or " ".join((skill or "").split())
    if not skill:
        raise ValidationError({"skill": _("Name the skill you would like to mentor on.")})
    if len(skill) > 60 or not slugify(skill):
        raise ValidationError({"skill": _("Name the skill in at most 60 letters or digits.")})
    mine = MentoringOffer.objects.filter(
        person=person, skill__slug=slugify(skill), role=MentoringRole.MENTOR
    ).first()
    if mine is None:
        mine = profiles.offer_mentoring(person=person, skill=skill, role=MentoringRole.MENTOR)
    counterpart = invitation.counterpart
    if counterpart is None:
        return
    theirs = MentoringOffer.objects.filter(
        person=counterpart,
        person__is_active=True,
        skill__slug=slugify(skill),
        role=MentoringRole.MENTEE,
    ).first()
    if theirs is None:
        raise ValidationError(
            _(
                "%(name)s no longer looks for a mentor on %(skill)s. Decline this invitation, "
                "or ask for a new one without them."
            )
            % {"name": counterpart.display_name, "skill": skill}
        )
    profiles.propose_mentoring(actor=person, offer_id=mine.pk, counterpart_offer_id=theirs.pk)


def withdraw_invitation(*, actor, invitation_id: int) -> LeadershipInvitation:
    """The administrator who sent it, or one who may invite, takes it back while it waits."""
    if not permissions.is_administrator(actor):
        raise PermissionDenied
    with transaction.atomic():
        invitation = _open_invitation(invitation_id=invitation_id)
        if invitation.invited_by_id != actor.pk and not may_invite(actor):
            raise PermissionDenied
        _still_pending(invitation)
        _close(invitation=invitation, actor=actor, status=InvitationStatus.WITHDRAWN)
    return invitation


# --- Challenges ---------------------------------------------------------------------------------


def create_challenge(
    *, actor, title: str, description: str, starts_on, ends_on, steps: list[tuple[str, int]]
) -> Challenge:
    """A time-boxed mission for everyone; steps are (deed, count)."""
    if not may_appoint(actor):
        raise PermissionDenied
    errors = {}
    title = (title or "").strip()
    if not title or len(title) > 120:
        errors["title"] = _("Give the challenge a title of at most 120 characters.")
    if not starts_on or not ends_on or ends_on < starts_on:
        errors["ends_on"] = _("Choose a start date and an end date on or after it.")
    cleaned = []
    for deed, count in steps:
        if not deed:
            continue
        if deed not in DeedKind.values or not isinstance(count, int) or not 1 <= count <= 100:
            errors["steps"] = _("Each step is something from the list, done 1 to 100 times.")
            break
        cleaned.append((deed, count))
    if not cleaned and "steps" not in errors:
        errors["steps"] = _("Add at least one step.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            title=title,
            description=(description or "").strip()[:400],
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        ChallengeStep.objects.bulk_create(
            ChallengeStep(challenge=challenge, deed=deed, count=count, order=index)
            for index, (deed, count) in enumerate(cleaned)
        )
        audit.record(
            actor=actor, action="challenge.create", target=challenge, before=None, after=None
        )
        _changed(_challenges)
    return challenge


def join_challenge(*, user, challenge: Challenge) -> ChallengeEntry:
    if not permissions.is_active(user) or permissions.is_guest(user):
        raise PermissionDenied
    if challenge.ends_on < timezone.localdate():
        raise ValidationError(_("This challenge has ended."))
    entry, created = ChallengeEntry.objects.get_or_create(challenge=challenge, user=user)
    if created:
        _changed(_challenges)
    return entry


def check_challenges(*, user_id: int) -> list[ChallengeEntry]:
    """Mark the running challenges this person has now completed (after a new deed)."""
    from gamification import selectors

    if user_id not in _challenges.get():
        return []  # no running challenge to complete: the common case costs no query
    today = timezone.localdate()
    open_entries = list(
        ChallengeEntry.objects.filter(
            user_id=user_id, completed_at__isnull=True, challenge__ends_on__gte=today
        ).select_related("challenge")
    )
    done = []
    for entry in open_entries:
        progress = selectors.challenge_progress(challenge=entry.challenge, user_id=user_id)
        if progress["complete"]:
            entry.completed_at = timezone.now()
            entry.save(update_fields=["completed_at"])
            done.append(entry)
    if done:
        _changed(_challenges)
    return done


def rebuild_tallies() -> int:
    """Recompute every tally from the ledger (after a data repair, or the demo moving its
    history back in time). Each entry counts in the period its first award fell in, as the
    live path does. Returns the number of tallies written."""
    table, ledger = PointTally._meta.db_table, LedgerEntry._meta.db_table
    zone = timezone.get_current_timezone_name()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - no user input in the SQL
        cursor.execute(
            f"""
            WITH dated AS (
                SELECT e.user_id, e.space_id, e.points,
                       (COALESCE(o.created_at, e.created_at) AT TIME ZONE %s)::date AS day
                FROM {ledger} e LEFT JOIN {ledger} o ON o.id = e.reverses_id
            ), scoped AS (
                SELECT user_id, NULL::bigint AS space_id, points, day FROM dated
                UNION ALL SELECT user_id, space_id, points, day FROM dated
                WHERE space_id IS NOT NULL
            )
            INSERT INTO {table} (user_id, space_id, period, start, total)
            SELECT user_id, space_id, 'week', date_trunc('week', day)::date, SUM(points)
              FROM scoped GROUP BY 1, 2, 4
            UNION ALL
            SELECT user_id, space_id, 'month', date_trunc('month', day)::date, SUM(points)
              FROM scoped GROUP BY 1, 2, 4
            UNION ALL
            SELECT user_id, space_id, 'all', %s, SUM(points) FROM scoped GROUP BY 1, 2
            """,  # noqa: S608 - no user input in the SQL
            [zone, ALL_TIME],
        )
        leaderboards_changed()
        return cursor.rowcount
