"""Feeds, posts, comments, reactions, people, notifications. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.activity import access, selectors, services
from intranet.activity.forms import AnnouncementForm, CommentForm, PostForm, PreferencesForm
from intranet.core.forms import errors_onto
from intranet.core.redirects import safe_next
from intranet.governance import permissions
from intranet.governance.selectors import access_space

User = get_user_model()


def _int_or_none(value) -> int | None:
    return int(value) if value and str(value).isdecimal() else None


def _feed_or_404(request, value: str) -> selectors.Feed:
    feed = selectors.Feed.parse(value)
    if (
        feed is None
        or feed.kind == "bell"
        or not selectors.may_read_feed(user=request.user, feed=feed)
    ):
        raise Http404
    return feed


def feed_more(request):
    """Older items of a feed ("more"): a fragment for htmx, or the page itself without JS."""
    feed = _feed_or_404(request, request.GET.get("feed", ""))
    before = _int_or_none(request.GET.get("before"))
    context = selectors.feed_page(user=request.user, feed=feed, before=before)
    return render(request, "activity/_items.html", context)


@require_POST
def post_create(request):
    form = PostForm(request.POST)
    space_slug = request.POST.get("space", "")
    access = access_space(user=request.user, slug=space_slug, action="view")
    fallback = reverse("governance:space", args=[access.space.slug])
    if form.is_valid():
        try:
            services.create_post(
                author=request.user, space=access.space, body=form.cleaned_data["body"]
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error("body", " ".join(error.messages))
        else:
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
            try:
                comment = services.add_comment(
                    author=request.user, target=post, body=form.cleaned_data["body"], parent=parent
                )
            except PermissionDenied as error:
                raise Http404 from error
            except ValidationError as error:
                form.add_error("body", " ".join(error.messages))
            else:
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
    error = None
    try:
        services.react(user=request.user, target=post, kind=request.POST.get("kind", ""))
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as refused:
        error = " ".join(refused.messages)
        if not request.htmx:
            messages.error(request, error)
    if request.htmx:
        # htmx swaps only successful answers: a refusal (a kind that does not exist, a
        # reaction limit) comes back inside the unchanged reactions, where the user clicked.
        item = selectors.hydrate_post(post=post, user=request.user)
        return render(request, "activity/_reactions.html", {"item": item, "error": error})
    return redirect(safe_next(request, reverse("activity:post", args=[post.pk])))


@require_POST
def follow(request, user_id: int):
    someone = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow(follower=request.user, followee=someone)
            messages.success(request, _("You no longer follow %(name)s.") % {"name": someone})
        else:
            services.follow(follower=request.user, followee=someone)
            messages.success(request, _("You follow %(name)s.") % {"name": someone})
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("profiles:person", user_id=someone.pk)


@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        target = request.POST.get("notification")
        try:
            if target == "all":
                services.mark_read(user=request.user)
                messages.success(request, _("Everything is marked as read."))
            else:
                services.mark_read(user=request.user, notification_id=_int_or_none(target) or -1)
        except PermissionDenied as error:
            raise Http404 from error
        return redirect(safe_next(request, reverse("activity:notifications")))
    page = Paginator(selectors.notifications(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "activity/notifications.html", {"page": page})


@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.notification_channels(user=request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, channels=form.cleaned_data)
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
        try:
            services.publish_announcement(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, _("Announcement published."))
            return redirect("home")
    return render(
        request, "activity/announce.html", {"form": form}, status=400 if form.errors else 200
    )
