"""The reply address a notification email carries, when what it tells of can be answered or
commented on by email (intranet.inbound.registry) and inbound email is set up."""

from __future__ import annotations

import logging

from intranet.inbound import registry, tokens

logger = logging.getLogger(__name__)


def for_notification(*, user, notification) -> tuple[str, str]:
    """(Reply-To address, the line telling the reader they may reply) for a notification
    email to `user`, or ("", "") when a reply cannot be posted from it."""
    if not tokens.enabled():
        return "", ""
    found = registry.for_notification(notification.group_key)
    if found is None:
        return "", ""
    replyable, target_id = found
    if replyable.allowed is not None:
        try:
            if not replyable.allowed(user=user, target_id=target_id):
                return "", ""
        except Exception:  # an offer, not a promise: no address rather than no email
            logger.exception("inbound email: could not tell whether %s may reply", user.pk)
            return "", ""
    address = tokens.reply_address(user_id=user.pk, kind=replyable.kind, target_id=target_id)
    return address, str(replyable.hint or "")
