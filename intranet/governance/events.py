"""Governance events, past tense. Ids only, so they serialise."""

from dataclasses import dataclass

from intranet.events import ActivityRow


@dataclass(frozen=True)
class SpaceCreated:
    space_id: int
    actor_id: int | None

    def activity(self) -> ActivityRow:
        return ActivityRow(verb="space.created", actor_id=self.actor_id, space_id=self.space_id)


@dataclass(frozen=True)
class SpaceSettingsChanged:
    space_id: int
    actor_id: int
    changed: list[str]


@dataclass(frozen=True)
class SpacePermissionsChanged:
    space_id: int
    actor_id: int


@dataclass(frozen=True)
class MemberJoined:
    space_id: int
    user_id: int
    role: str
    actor_id: int

    def activity(self) -> ActivityRow:
        return ActivityRow(verb="member.joined", actor_id=self.user_id, space_id=self.space_id)


@dataclass(frozen=True)
class MemberLeft:
    space_id: int
    user_id: int
    actor_id: int
    removed: bool


@dataclass(frozen=True)
class MemberRoleChanged:
    space_id: int
    user_id: int
    actor_id: int
    old_role: str
    new_role: str


@dataclass(frozen=True)
class MembershipRequested:
    request_id: int
    space_id: int
    user_id: int
    kind: str
    actor_id: int


@dataclass(frozen=True)
class MembershipRequestDecided:
    request_id: int
    space_id: int
    user_id: int
    status: str
    actor_id: int


@dataclass(frozen=True)
class OrgRoleChanged:
    user_id: int
    actor_id: int
    old_role: str
    new_role: str


@dataclass(frozen=True)
class KindDefaultsChanged:
    kind: str
    actor_id: int


@dataclass(frozen=True)
class DepartmentChanged:
    department_id: int
    actor_id: int
    created: bool


@dataclass(frozen=True)
class PersonMovedDepartment:
    user_id: int
    department_id: int | None
    previous_department_id: int | None
    actor_id: int | None


@dataclass(frozen=True)
class PilotChanged:
    enabled: bool
    department_ids: list[int]
    actor_id: int


@dataclass(frozen=True)
class MfaPolicyChanged:
    """Two-step verification required of every role (or no longer): open sockets of people
    without it close, as their pages already stop opening."""

    required: bool
    actor_id: int


@dataclass(frozen=True)
class AccountActiveChanged:
    user_id: int
    active: bool
    actor_id: int | None
