"""Who knows about a topic? Evidence per person and topic, fed by providers.

Each kind of evidence (a stated skill, an endorsement, an accepted answer, an article) is a
`Provider`: a source name, a weight, a sentence that explains it and, optionally, a way to
rebuild all its rows. Profiles registers its own two; forums and knowledge register theirs in
their AppConfig.ready() and keep their rows current (`services.refresh_evidence()` recomputes
the rows of a few people from the provider's own data, `services.record_evidence()` adds or
takes back one), so profiles never imports them.

Evidence made from content remembers where it came from: a provider with a `module` gives each
row the space of the content it was made from (one row per person, topic and space), and
recomputes the rows when that content is hidden, moved or deleted. The finder counts such rows
and shows their examples only to readers of that space with that module switched on.

The finder does not scan posts: it sums precomputed `Evidence` rows for one topic, weighting
each source and discounting old evidence (half the weight per year since the latest)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HALF_LIFE_DAYS = 365


@dataclass(frozen=True)
class EvidenceRow:
    person_id: int
    topic: str
    count: int
    last_at: datetime
    examples: list[dict]
    # The space of the content it was made from (None: personal evidence, such as a skill).
    space_id: int | None = None


@dataclass(frozen=True)
class Provider:
    source: str
    weight: float
    # describe(count, examples, topic name) -> the "why" a person sees, in the active language
    describe: Callable[[int, list[dict], str], str]
    rebuild: Callable[[], Iterable[EvidenceRow]] | None = None
    # The rows of these people only, recomputed (after their content changed).
    refresh: Callable[[list[int]], Iterable[EvidenceRow]] | None = None
    # The governance module its content belongs to: rows carry their space and count only for
    # readers of that space with the module switched on. None: personal evidence, no space.
    module: str | None = None


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.source] = provider


def unregister(source: str) -> None:
    _providers.pop(source, None)


def providers() -> dict[str, Provider]:
    return dict(_providers)


def describe(*, source: str, count: int, examples: list[dict], topic: str) -> str:
    provider = _providers.get(source)
    return provider.describe(count, examples, topic) if provider else ""


# --- Profiles' own evidence ---------------------------------------------------------------------


def _stated(count: int, examples: list[dict], topic: str) -> str:
    return _("Lists %(topic)s as a skill") % {"topic": topic}


def _endorsed(count: int, examples: list[dict], topic: str) -> str:
    return ngettext(
        "Endorsed for %(topic)s by %(count)d colleague",
        "Endorsed for %(topic)s by %(count)d colleagues",
        count,
    ) % {"topic": topic, "count": count}


def _rebuild_stated() -> Iterable[EvidenceRow]:
    from profiles.models import User

    through = User.skills.through.objects.filter(user__is_active=True)
    for user_id, slug, joined in through.values_list(
        "user_id", "skill__slug", "user__date_joined"
    ).iterator():
        yield EvidenceRow(user_id, slug, 1, joined, [])


def _rebuild_endorsed() -> Iterable[EvidenceRow]:
    from django.db.models import Count, Max

    from profiles.models import Endorsement

    rows = (
        Endorsement.objects.values("person_id", "skill__slug")
        .annotate(n=Count("pk"), last=Max("created_at"))
        .iterator()
    )
    for row in rows:
        yield EvidenceRow(row["person_id"], row["skill__slug"], row["n"], row["last"], [])


def register_defaults() -> None:
    register(Provider("skill", 1.0, _stated, _rebuild_stated))
    register(Provider("endorsement", 1.0, _endorsed, _rebuild_endorsed))
