"""For data migrations: give notifications made before they remembered their space (activity
0009) the space of what they link to, so they too are shown only to its readers. Each app's
migration names its own URL shape and model; the platform imports none of them."""

from __future__ import annotations

import re


def backfill_notification_spaces(apps, *, url_regex: str, model: str, space_path: str) -> int:
    """Notifications without a space whose url matches `url_regex` (its first group: the id of
    a `model` row) get that row's space (`space_path`, e.g. "board__space_id"). Those whose
    row is gone are deleted: nobody can open what they speak of."""
    Notification = apps.get_model("activity", "Notification")
    Model = apps.get_model(*model.split("."))
    pattern = re.compile(url_regex)
    found = Notification.objects.filter(space__isnull=True, url__regex=url_regex)
    by_row: dict[int, list[int]] = {}
    for pk, url in found.values_list("pk", "url").iterator():
        by_row.setdefault(int(pattern.match(url).group(1)), []).append(pk)
    if not by_row:
        return 0
    spaces = dict(Model.objects.filter(pk__in=list(by_row)).values_list("pk", space_path))
    changed = 0
    for row_id, ids in by_row.items():
        if row_id in spaces and spaces[row_id] is not None:
            changed += Notification.objects.filter(pk__in=ids).update(space_id=spaces[row_id])
        else:
            Notification.objects.filter(pk__in=ids).delete()
    return changed
