"""One WebSocket per open page of a signed-in user. It joins the groups of the feed the page
shows, re-checks visibility for every item before sending it as an HTML fragment (htmx ws
extension, hx-swap-oob), and replays what a reconnecting page missed."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

from intranet.activity import live, selectors
from intranet.activity.models import Follow
from intranet.governance import permissions, tree
from intranet.governance import services as governance_services
from intranet.governance.selectors import member_space_ids, readable_space_ids

logger = logging.getLogger(__name__)
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NO_ACCESS = 4404
REPLAY_LIMIT = 50


def _admitted(user) -> bool:
    """May this person's socket stay open: admitted to Plein (active, in a running pilot) and,
    when the organisation requires two-step verification of everyone, enrolled in it."""
    return governance_services.admitted(user) and not governance_services.must_enrol_mfa(
        user, admin_area=False
    )


class FeedConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.user = user
        if not await database_sync_to_async(_admitted)(user):
            # Outside a running pilot, or without the two-step verification the organisation
            # requires: the socket opens no more than the pages do.
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.language = self._language()
        query = parse_qs(self.scope.get("query_string", b"").decode())
        raw_feed = (query.get("feed") or ["home"])[0]
        kind, _sep, raw_id = raw_feed.partition(":")
        # A live page (a question) rather than a feed, if an app registered its kind.
        self.page = live.page_for(kind) if raw_id.isdecimal() else None
        self.page_id = int(raw_id) if self.page else None
        self.feed = selectors.Feed("bell") if self.page else selectors.Feed.parse(raw_feed)
        self.groups_joined: list[str] = []
        self.sent: set[int] = set()
        groups = await self._groups() if self.feed is not None else None
        if groups is None:
            # A feed the user may not read looks the same as one that does not exist.
            await self.close(code=CLOSE_NO_ACCESS)
            return
        groups.append(live.ACCESS_GROUP)
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        await self._load_access()
        await self.accept()

    @database_sync_to_async
    def _load_access(self) -> None:
        """What this user may read, kept in memory and reloaded when access changes, so each
        pushed item is checked without a query (hundreds of sockets per process)."""
        governance_services.forget_local_copies()
        user = get_user_model().objects.filter(pk=self.user.pk).first()
        if user is None:  # the account was erased
            self.active = False
            return
        self.user = user
        self.active = _admitted(user)
        self.viewable = set(readable_space_ids(user=user))
        self.page_memo: dict = {}  # what a live page decided about this reader, until now
        self.guest = permissions.is_guest(user)
        self.admin = permissions.is_administrator(user)
        # What is said to a department reaches everything below it: the reader's department
        # and those above it.
        self.departments = set(tree.lineage_ids(user.department_id))

    def _may_see(self, space_id: int | None, department_id: int | None) -> bool:
        if not self.active:
            return False
        if space_id is not None:
            return space_id in self.viewable
        if self.guest:
            return False
        return department_id is None or self.admin or department_id in self.departments

    async def access_changed(self, event):
        """Rights changed: reload them, and close the socket when its person may no longer
        use Plein (deactivated, outside the pilot) or read what the page follows; a home
        feed joins and leaves the groups of spaces gained or lost."""
        await self._load_access()
        groups = await self._groups() if self.active and self.feed is not None else None
        if groups is None:
            await self.close(code=CLOSE_NOT_SIGNED_IN if not self.active else CLOSE_NO_ACCESS)
            return
        groups.append(live.ACCESS_GROUP)
        for group in set(self.groups_joined) - set(groups):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(groups) - set(self.groups_joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups

    def _language(self) -> str:
        """The page's language: the user's choice, else the cookie, else the browser's."""
        if self.user.language:
            return self.user.language
        headers = dict(self.scope.get("headers", []))
        cookies = headers.get(b"cookie", b"").decode()
        for part in cookies.split(";"):
            name, _sep, value = part.strip().partition("=")
            if name == settings.LANGUAGE_COOKIE_NAME and value in dict(settings.LANGUAGES):
                return value
        accept = headers.get(b"accept-language", b"").decode()
        for code, _quality in trans_real.parse_accept_lang_header(accept):
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE

    @database_sync_to_async
    def _groups(self) -> list[str] | None:
        user, feed = self.user, self.feed
        groups = [f"user.{user.pk}"]
        if self.page is not None:
            page_groups = self.page.groups(user=user, id=self.page_id)
            return None if page_groups is None else [*groups, *page_groups]
        if feed.kind == "bell":
            return groups
        if not selectors.may_read_feed(user=user, feed=feed):
            return None
        if feed.kind == "space":
            return [*groups, f"space.{feed.id}"]
        if feed.kind == "person":
            return [*groups, f"person.{feed.id}"]
        spaces = member_space_ids(user=user)
        followed = Follow.objects.filter(follower=user).values_list("followee_id", flat=True)
        groups += [f"space.{pk}" for pk in spaces] + [f"person.{pk}" for pk in followed]
        if not permissions.is_guest(user):
            groups.append("org")
            groups += [f"department.{pk}" for pk in tree.lineage_ids(user.department_id)]
        return groups

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- From the browser ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        try:
            message = json.loads(text_data or "")
            if not isinstance(message, dict) or message.get("type") != "resume":
                raise ValueError("unknown message")
            last_id = message.get("last_id")
            if isinstance(last_id, str) and last_id.isdecimal():
                last_id = int(last_id)
            if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0:
                raise ValueError("bad last_id")
        except (ValueError, TypeError):
            await self.send(text_data=await self._status_text())
            return
        for html in await self._replay(last_id):
            await self.send(text_data=html)

    @database_sync_to_async
    def _replay(self, last_id: int) -> list[str]:
        """What the page missed while disconnected, oldest first; only what it may see."""
        items = selectors.hydrate(
            selectors.feed_activities(
                user=self.user, feed=self.feed, after=last_id, limit=REPLAY_LIMIT
            ),
            user=self.user,
        )
        fresh = [item for item in items if item.pk not in self.sent]
        self.sent.update(item.pk for item in fresh)
        return [self._fragment(item) for item in fresh]

    # --- From the channel layer ----------------------------------------------------------------

    async def activity_new(self, event):
        activity_id = event["id"]
        if activity_id in self.sent:
            return  # reached us through two groups (a space and a followed person)
        # Re-check now, against what the user may read at this moment.
        if not self._may_see(event.get("space_id"), event.get("department_id")):
            return
        html = await fragment(activity_id, self.language)
        if html:
            self.sent.add(activity_id)
            await self.send(text_data=html)

    async def page_update(self, event):
        """Something changed on the live page this socket follows; its app renders it for
        this user (and checks again that they may see it)."""
        if self.page is None or not self.active:
            return
        html = await database_sync_to_async(self._render_page)(event)
        if html:
            await self.send(text_data=html)

    def _render_page(self, event) -> str | None:
        with translation.override(self.language):
            return self.page.render(
                user=self.user, language=self.language, message=event, memo=self.page_memo
            )

    async def notifications_changed(self, event):
        if not self.active:
            return
        count = await database_sync_to_async(selectors.unread_count)(user=self.user)
        with translation.override(self.language):
            html = render_to_string("activity/_bell_count.html", {"unread": count, "oob": True})
        await self.send(text_data=html)

    # --- Rendering -----------------------------------------------------------------------------

    def _fragment(self, item) -> str:
        return render_fragment(item, self.language)

    @database_sync_to_async
    def _status(self, message: str) -> str:
        return render_to_string("activity/_live_status.html", {"message": message})

    async def _status_text(self) -> str:
        with translation.override(self.language):
            return await self._status(_("Message not understood."))


def render_fragment(item, language: str) -> str:
    with translation.override(language):
        return render_to_string("activity/_incoming.html", {"item": item, "live": True})


@lru_cache(maxsize=512)
def _fragment_sync(activity_id: int, language: str) -> str | None:
    """A new item looks the same to everyone allowed to see it (no reactions yet), so each
    process renders it once per language, not once per socket."""
    from django.contrib.auth.models import AnonymousUser

    # The socket checked the item's space against its reader before asking (activity_new).
    activity = selectors.activity_for_push(activity_id=activity_id)
    if activity is None:
        return None
    item = selectors.hydrate([activity], user=AnonymousUser())[0]
    return render_fragment(item, language)


fragment = database_sync_to_async(_fragment_sync)
