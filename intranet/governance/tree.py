"""The department tree, asked in SQL: a department's line upwards (itself and the departments
above it) and a set of departments with everything below them.

Both are recursive queries that PostgreSQL answers inside the query that uses them (an
`__in=` subquery), so a feed that must know "the departments whose announcements reach me"
pays no extra round trip, however deep the tree. UNION (not UNION ALL) stops at a department
already seen, so even a cycle written around the services would end."""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL

from intranet.governance.models import Department

_TABLE = connection.ops.quote_name(Department._meta.db_table)

# The department (%s) and every department above it.
_LINEAGE = (
    f"WITH RECURSIVE up(id, parent_id) AS ("  # noqa: S608 - the table name is Django's own
    f"SELECT id, parent_id FROM {_TABLE} WHERE id = %s "
    f"UNION SELECT d.id, d.parent_id FROM {_TABLE} d JOIN up ON d.id = up.parent_id"
    f") SELECT id FROM up"
)
# The departments (an array, %s) and every department below them.
_SUBTREE = (
    f"WITH RECURSIVE down(id) AS ("  # noqa: S608 - the table name is Django's own
    f"SELECT id FROM {_TABLE} WHERE id = ANY(%s) "
    f"UNION SELECT d.id FROM {_TABLE} d JOIN down ON d.parent_id = down.id"
    f") SELECT id FROM down"
)


def lineage(department_id: int | None) -> RawSQL:
    """Ids of the department and of the departments above it, as a subquery for `__in=`
    (none for None)."""
    # Fixed SQL; the id travels as a bound parameter.
    return RawSQL(_LINEAGE, [department_id if department_id is not None else 0])  # noqa: S611


def subtree(department_ids) -> RawSQL:
    """Ids of the departments and of every department below them, as a subquery for `__in=`."""
    # Fixed SQL; the ids travel as one bound array parameter.
    return RawSQL(_SUBTREE, [sorted({int(pk) for pk in department_ids})])  # noqa: S611


def lineage_ids(department_id: int | None) -> list[int]:
    """`lineage` read now (one query; none without a department)."""
    if department_id is None:
        return []
    return list(
        Department.objects.filter(pk__in=lineage(department_id)).values_list("pk", flat=True)
    )


def subtree_ids(department_ids) -> set[int]:
    """`subtree` read now (one query; none for no departments)."""
    department_ids = list(department_ids)
    if not department_ids:
        return set()
    return set(
        Department.objects.filter(pk__in=subtree(department_ids)).values_list("pk", flat=True)
    )


def below_map() -> dict[int, set[int]]:
    """Every department with the departments in its subtree (itself included), from one query
    of the whole tree: for figures about many departments at once (audience sizes)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    everyone = [pk for ids in children.values() for pk in ids]
    found: dict[int, set[int]] = {}
    for root in everyone:
        seen, stack = {root}, [root]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        found[root] = seen
    return found
