"""Events about people. Ids only; each must survive a JSON round trip."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileUpdated:
    user_id: int
    actor_id: int
    changed: list[str]


@dataclass(frozen=True)
class SkillEndorsed:
    endorser_id: int
    person_id: int
    skill: str


@dataclass(frozen=True)
class MentoringProposed:
    pair_id: int
    proposed_by_id: int
    recipient_id: int
    skill: str
    # A pair an organiser made in a cohort: its name (the notification says where from).
    cohort: str = ""


@dataclass(frozen=True)
class MentoringDecided:
    pair_id: int
    actor_id: int
    proposed_by_id: int
    skill: str
    accepted: bool


@dataclass(frozen=True)
class CohortEnded:
    """The organiser ended a cohort: its participants are asked to evaluate it."""

    cohort_id: int
    actor_id: int
    participant_ids: list[int]
    name: str
