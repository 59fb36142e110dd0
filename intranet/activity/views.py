"""Feeds, posts, comments, reactions, people, notifications. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.activity import access, selectors, services
from intranet.activity.forms import (
    AnnouncementForm,
    CommentForm,
    DelegateForm,
    FeedPageForm,
    FollowForm,
    MarkReadForm,
    PostForm,
    PreferencesForm,
    ReactionForm,
    RemoveDelegateForm,
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
            "moderator": permissions.can(request.user, "moderate", post.space),
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
    reach = access.announce_reach(request.user)
    form = AnnouncementForm(
        request.POST if request.method == "POST" else None,
        departments=access.announceable_departments(request.user),
        everyone=reach.everyone,
    )
    if request.method == "POST" and form.is_valid():
        announcement, refused = perform(
            request,
            lambda: services.publish_announcement(author=request.user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Announcement published."))
            return redirect("activity:announcement", announcement_id=announcement.pk)
    return render(
        request,
        "activity/announce.html",
        {"form": form, **selectors.announce_page(user=request.user)},
        status=400 if form.errors else 200,
    )


@require_GET
def announcement(request, announcement_id: int):
    """An announcement on its own page, for its audience (404 for anyone else); opening it
    counts as reading it, and its author sees how many of the audience did."""
    found = access.access_announcement(user=request.user, announcement_id=announcement_id)
    services.record_announcement_reads(user=request.user, announcements=[found])
    return render(
        request,
        "activity/announcement.html",
        selectors.announcement_page(user=request.user, announcement=found),
    )


@require_GET
def announcements_by(request, user_id: int):
    """Everything a person announced that the reader may open, 20 a page, newest first."""
    if not permissions.is_colleague(request.user):
        raise Http404
    author = get_object_or_404(User, pk=user_id, is_active=True)
    own = author.pk == request.user.pk
    page = Paginator(
        selectors.announcements_by(viewer=request.user, author_id=author.pk), 20
    ).get_page(PageForm(request.GET).number())
    if not page.object_list and not own:
        raise Http404  # nothing they may read: as a person who never announced
    reach = {}
    if own:
        reach = selectors.announcement_reach(announcements=page.object_list)
    for item in page.object_list:
        item.reach = reach.get(item.pk)
    return render(
        request,
        "activity/announcements_by.html",
        {"author": author, "page": page, "own": own},
    )


@require_http_methods(["GET", "POST"])
def delegates(request, department_id: int):
    """Who may announce for a department besides its manager: its manager and administrators
    add colleagues by email address and remove them."""
    department = access.access_delegates(user=request.user, department_id=department_id)
    form = DelegateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        added, refused = perform(
            request,
            lambda: services.add_announcement_delegate(
                actor=request.user, department=department, user=form.cleaned_data["email"]
            ),
            form=form,
        )
        if not refused:
            messages.success(
                request,
                _("%(name)s may now announce for %(department)s.")
                % {"name": added.user.display_name, "department": department.name},
            )
            return redirect("activity:delegates", department_id=department.pk)
    return render(
        request,
        "activity/delegates.html",
        {
            "department": department,
            "delegates": selectors.announcement_delegates(department=department),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def delegate_remove(request, department_id: int):
    department = access.access_delegates(user=request.user, department_id=department_id)
    form = RemoveDelegateForm(request.POST)
    _done, refused = perform(
        request,
        lambda: services.remove_announcement_delegate(
            actor=request.user, department=department, user_id=form.valid()["user"]
        ),
    )
    if not refused:
        messages.success(request, _("They no longer announce for this department."))
    return redirect("activity:delegates", department_id=department.pk)
