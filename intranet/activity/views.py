"""Feeds, posts, comments, reactions, people, notifications. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.activity import access, selectors, services
from intranet.activity.forms import (
    AnnouncementForm,
    CommentForm,
    FeedPageForm,
    FollowForm,
    MarkReadForm,
    PostForm,
    PreferencesForm,
    ReactionForm,
)
from intranet.core.forms import perform, refusal_text
from intranet.core.redirects import safe_next
from intranet.governance import permissions
from intranet.governance.forms import PageForm
from intranet.governance.selectors import access_space

User = get_user_model()


def feed_more(request):
    """Older items of a feed ("more"): a fragment for htmx, or the page itself without JS."""
    feed, before = FeedPageForm(request.GET).chosen()
    if (
        feed is None
        or feed.kind == "bell"
        or not selectors.may_read_feed(user=request.user, feed=feed)
    ):
        raise Http404
    context = selectors.feed_page(user=request.user, feed=feed, before=before)
    return render(request, "activity/_items.html", context)


@require_POST
def post_create(request):
    form = PostForm(request.POST)
    valid = form.is_valid()
    # Access first: a space one may not see is 404, whatever else was sent.
    access = access_space(user=request.user, slug=form.cleaned_data.get("space", ""), action="view")
    fallback = reverse("governance:space", args=[access.space.slug])
    if valid:
        _post, refused = perform(
            request,
            lambda: services.create_post(
                author=request.user, space=access.space, body=form.cleaned_data["body"]
            ),
            form=form,
            rename={None: "body"},
        )
        if not refused:
            messages.success(request, _("Posted."))
            return redirect(safe_next(request, fallback))
    return render(
        request, "activity/compose.html", {"form": form, "space": access.space}, status=400
    )


def _post_or_404(request, post_id: int):
    found = selectors.post_with_comments(user=request.user, post_id=post_id)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def post_detail(request, post_id: int):
    post, thread = _post_or_404(request, post_id)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = next((c for c in thread if c.pk == form.cleaned_data["parent"]), None)
            if parent is None:
                form.add_error(None, _("That reply belongs to something else."))
        if not form.errors:
            comment, refused = perform(
                request,
                lambda: services.add_comment(
                    author=request.user, target=post, body=form.cleaned_data["body"], parent=parent
                ),
                form=form,
                rename={None: "body"},
            )
            if not refused:
                messages.success(request, _("Comment placed."))
                return redirect(reverse("activity:post", args=[post.pk]) + f"#comment-{comment.pk}")
    item = selectors.hydrate_post(post=post, user=request.user)
    top = [c for c in thread if c.parent_id is None]
    replies = {}
    for comment in thread:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    for comment in top:
        comment.thread_replies = replies.get(comment.pk, [])
    return render(
        request,
        "activity/post.html",
        {
            "post": post,
            "item": item,
            "comments": top,
            "form": form,
            "may_comment": permissions.can(request.user, "comment", post.space),
            "may_report": not permissions.is_guest(request.user),
            "me": request.user.pk,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def react(request, post_id: int):
    # Access first: a post one may not read answers 404 whatever kind is sent, so a refusal
    # below never renders the reactions of something one may not see.
    post = access.access_post(user=request.user, post_id=post_id)
    form = ReactionForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    _changed, refused = perform(
        request,
        lambda: services.react(user=request.user, target=post, kind=kind),
        quiet=bool(request.htmx),
    )
    error = refusal_text(refused) if refused else None
    if request.htmx:
        # htmx swaps only successful answers: a refusal (a kind that does not exist, a
        # reaction limit) comes back inside the unchanged reactions, where the user clicked.
        item = selectors.hydrate_post(post=post, user=request.user)
        return render(request, "activity/_reactions.html", {"item": item, "error": error})
    return redirect(safe_next(request, reverse("activity:post", args=[post.pk])))


@require_POST
def follow(request, user_id: int):
    someone = get_object_or_404(User, pk=user_id, is_active=True)
    if FollowForm(request.POST).unfollow():
        service, done = services.unfollow, _("You no longer follow %(name)s.")
    else:
        service, done = services.follow, _("You follow %(name)s.")
    _result, refused = perform(request, lambda: service(follower=request.user, followee=someone))
    if not refused:
        messages.success(request, done % {"name": someone})
    return redirect("profiles:person", user_id=someone.pk)


@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        target = MarkReadForm(request.POST).target()
        if target is None:
            raise Http404  # names no notification of mine: as a missing one
        # One notification, or (no id) all of them.
        notification_id = None if target == "all" else target
        perform(
            request, lambda: services.mark_read(user=request.user, notification_id=notification_id)
        )
        if target == "all":
            messages.success(request, _("Everything is marked as read."))
        return redirect(safe_next(request, reverse("activity:notifications")))
    page = Paginator(selectors.notifications(user=request.user), 30).get_page(
        PageForm(request.GET).number()
    )
    return render(request, "activity/notifications.html", {"page": page})


@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.notification_channels(user=request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        _done, refused = perform(
            request,
            lambda: services.set_preferences(user=request.user, channels=form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Preferences saved."))
            return redirect("activity:preferences")
    return render(
        request, "activity/preferences.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def announce(request):
    if not request.user.has_perm("activity.announce"):
        raise Http404
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _announcement, refused = perform(
            request,
            lambda: services.publish_announcement(author=request.user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Announcement published."))
            return redirect("home")
    return render(
        request, "activity/announce.html", {"form": form}, status=400 if form.errors else 200
    )
