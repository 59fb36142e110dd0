"""The layers of the organisation that the leadership view compares, decided here and nowhere
else. Every person on Plein (governance.permissions.people_filter: an active account of a
human, never a service account) is in exactly one layer, the first that applies:

directors   the top of the department tree: the manager of every top-level department (one
            without a parent), and the members of every top-level department that has
            departments under it (the board, such as "Directie").
managers    everyone else who manages a department (Department.manager).
the floor   everyone else, whether or not they are placed in a department.

Why members of a top-level department count as directors only when it has departments under
it: in a flat organisation (no tree, every department top-level) the members of "Sales" are
not its directors; a board is the department the others hang under. Its managers are still
directors: nobody in the tree is above them.

A department's *leaders* are its manager and, for a board department, its directors (its
members): whose own posts, answers and signals the leadership figures per department count,
and who the phase rule "leaders take part" reads. Both the department-manager role and the
board's members are public in the organisation's directory, and what is counted is only what
they did in open spaces that every colleague can read (insights.phases)."""

from __future__ import annotations

from dataclasses import dataclass, field

from insights.models import Layer


@dataclass(frozen=True)
class Leadership:
    """Who leads, read in two queries (departments, then the people among their managers and
    board members who are people on Plein); the floor is everyone else and is counted in
    SQL, never listed."""

    directors: frozenset[int] = frozenset()
    managers: frozenset[int] = frozenset()
    # {department id: its leaders}: only departments with at least one leader.
    leaders_of: dict[int, frozenset[int]] = field(default_factory=dict)

    def layer_of(self, person: int) -> str:
        if person in self.directors:
            return Layer.DIRECTORS
        if person in self.managers:
            return Layer.MANAGERS
        return Layer.FLOOR

    @property
    def leaders(self) -> frozenset[int]:
        return self.directors | self.managers


def leadership() -> Leadership:
    """The organisation's directors, managers and each department's leaders, as the tree and
    the managers stand now (two queries, however large the organisation)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from intranet.governance.models import Department
    from intranet.governance.permissions import people_filter

    departments = list(Department.objects.values_list("pk", "parent_id", "manager_id"))
    parents = {parent for _pk, parent, _manager in departments if parent is not None}
    tops = {pk for pk, parent, _manager in departments if parent is None}
    boards = tops & parents
    managed = {manager for _pk, _parent, manager in departments if manager is not None}
    people = dict(
        get_user_model()
        .objects.filter(people_filter())
        .filter(Q(pk__in=managed) | Q(department_id__in=boards))
        .values_list("pk", "department_id")
    )
    directors = {pk for pk, department in people.items() if department in boards}
    directors |= {
        manager for pk, parent, manager in departments if parent is None and manager in people
    }
    managers = {manager for manager in managed if manager in people} - directors
    leaders_of: dict[int, set[int]] = {}
    for pk, _parent, manager in departments:
        if manager in people:
            leaders_of.setdefault(pk, set()).add(manager)
    for person, department in people.items():
        if department in boards:
            leaders_of.setdefault(department, set()).add(person)
    return Leadership(
        directors=frozenset(directors),
        managers=frozenset(managers),
        leaders_of={pk: frozenset(found) for pk, found in leaders_of.items()},
    )
