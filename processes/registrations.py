"""What process boards add to the platform: a tab in spaces, live boards, comments on cards
and pain points (with their moderation), a search source and the demo."""

from django.utils.translation import gettext_lazy as _


def _places(model):
    """For activity.commentable: where comments on cards or pain points live."""

    def resolve(ids):
        rows = model.objects.select_related("board__space").filter(pk__in=ids)
        return {row.pk: (row.board.space, row.get_absolute_url(), str(row)[:80]) for row in rows}

    return resolve


def _readers(model):
    """For activity.commentable: who of some people may read a card or pain point, and through
    which of its board's spaces (the board may be shared with theirs)."""

    def readers(*, target_id, user_ids):
        from processes import access

        row = model.objects.select_related("board__space").filter(pk=target_id).first()
        return access.readers(user_ids=user_ids, board=row.board) if row else []

    return readers


def register() -> None:
    from intranet.activity import commentable
    from intranet.governance import tabs
    from intranet.governance.constants import Module
    from intranet.search import registry as search
    from processes import demo, digest, handlers, live, selectors, signal_sources

    signal_sources.register()
    from processes.models import Card, PainPoint

    handlers.register()
    digest.register()
    live.register()
    demo.register()
    tabs.register(
        tabs.SpaceTab(
            key="boards",
            label=_("Process boards"),
            url_name="processes:space",
            module=Module.BOARDS,
            order=30,
        )
    )
    commentable.register("card", _places(Card), readers=_readers(Card))
    commentable.register("painpoint", _places(PainPoint), readers=_readers(PainPoint))
    search.register(
        search.Source(
            key="boards",
            label=_("Process boards"),
            order=30,
            search=selectors.search_source,
        )
    )
