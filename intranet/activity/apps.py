from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "intranet.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self):
        from intranet.activity import commentable, handlers, targets
        from intranet.activity.models import Announcement, Post
        from intranet.core import panels
        from intranet.moderation import registry as moderation

        handlers.register()
        # A leader's updates on their profile: what they announced that the viewer may read.
        panels.register(
            "profile",
            panels.Panel(
                "announcements", "activity/_profile_announcements.html", _updates_panel, order=40
            ),
        )
        targets.register(
            targets.Target(
                type="post",
                load=lambda ids: Post.objects.only("id", "author_id", "body_html").in_bulk(ids),
                template="activity/_target_post.html",
                verbs={"post.created": _("posted in {space}")},
            )
        )
        targets.register(
            targets.Target(
                type="announcement",
                load=lambda ids: Announcement.objects.in_bulk(ids),
                template="activity/_target_announcement.html",
                verbs={"announcement.published": _("made an announcement")},
            )
        )
        moderation.register(
            moderation.Kind(
                key="activity.comment",
                label=_("comment"),
                load=commentable.load_comments,
                excerpt=lambda comment: comment.body[:200],
                changed=commentable.comment_changed,
                hidden_in=lambda space_ids, limit: list(
                    commentable.load_comments([], hidden_in=space_ids, limit=limit).values()
                )[:limit],
            )
        )


def _updates_panel(request, *, person, **values):
    from intranet.activity import selectors

    updates = selectors.leader_updates(viewer=request.user, author=person)
    return {"updates": updates} if updates else None
