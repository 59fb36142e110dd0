from __future__ import annotations

from typing import Any

from intranet.governance.models import AuditEntry


def record(
    *,
    actor,
    action: str,
    target: Any,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry; call it inside the service's transaction so both land or neither."""
    return AuditEntry.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_name=(actor.display_name if actor is not None else "system")[:200],
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=getattr(target, "pk", None),
        target_name=str(target)[:200],
        before=before,
        after=after,
        reason=reason,
    )
