"""Recognition and success story pages. Thin: selectors read, services write; what one may not
see is a 404, bad input is the same page with the message and nothing saved."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gamification import access, selectors, services
from gamification.models import Badge, Challenge, DeedKind, Period, PointRule, ReuseKind
from intranet.core import files
from intranet.core.forms import run
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import (
    access_module,
    access_space,
    department_by_id,
    departments,
    spaces_where,
)


def _int(raw) -> int | None:
    return int(raw) if str(raw or "").isdecimal() else None


def _admin(request) -> None:
    if not permissions.is_administrator(request.user):
        raise Http404


# --- Points, levels and leaderboards ------------------------------------------------------------


@require_GET
def leaderboard(request):
    """People of the organisation, a department or a space, in a period; the department board
    beside it. Closed (404) when the organisation switched leaderboards off."""
    if not selectors.leaderboards_open(request.user):
        raise Http404
    period = request.GET.get("period") if request.GET.get("period") in Period.values else "month"
    department, space = _chosen_department(request), None
    if department is None and request.GET.get("space"):
        access = access_space(user=request.user, slug=request.GET["space"])
        if not access.can(Action.VIEW):
            raise Http404
        space = access.space
    board = selectors.leaderboard(
        viewer=request.user, period=period, department=department, space=space
    )
    return render(
        request,
        "gamification/leaderboard.html",
        {
            "board": board,
            "period": period,
            "periods": Period.choices,
            "department": department,
            "space": space,
            "departments": selectors.department_board(period=period),
            "min_group": selectors.MIN_GROUP,
            "visible": selectors.chooses_visible(request.user),
            "total": selectors.total_of(user_id=request.user.pk),
        },
    )


@require_GET
def mine(request):
    """My points, level, history, badges and progress, and my privacy choice."""
    settings = services.game_settings()
    points = selectors.my_points(user=request.user) if settings.points_on else None
    badges = selectors.badges_overview(user=request.user)
    earned = {}
    for award_row in selectors.badges_of(user=request.user):
        earned[award_row.badge_id] = max(earned.get(award_row.badge_id, 0), award_row.tier)
    progress = selectors.badge_progress(user=request.user, badges=badges)
    return render(
        request,
        "gamification/mine.html",
        {
            "points": points,
            "settings": settings,
            "badges": [
                {"badge": b, "tier": earned.get(b.pk, 0), "count": progress[b.pk]} for b in badges
            ],
            "visible": selectors.chooses_visible(request.user),
        },
    )


@require_POST
def privacy(request):
    choice = request.POST.get("visible")
    if choice not in ("0", "1"):
        messages.error(request, _("Choose whether colleagues see your points."))
        return redirect("gamification:mine")
    services.set_visibility(user=request.user, visible=choice == "1")
    if choice == "1":
        messages.success(request, _("Colleagues now see your points, level and badges."))
    else:
        messages.success(
            request, _("You no longer appear on leaderboards; only you see your points.")
        )
    return redirect("gamification:mine")


@require_http_methods(["GET", "POST"])
def rules(request):
    """What earns points, how many, how often a day and (for accepts and the like) how much a
    week between the same two people: administrators only."""
    _admin(request)
    found = list(PointRule.objects.all())
    for rule in found:
        rule.paired = rule.key in services.PAIRED_RULES  # asks for a weekly cap per pair
    error = None
    if request.method == "POST":
        rows = {
            rule.pk: {
                "points": request.POST.get(f"rule-{rule.pk}-points", ""),
                "daily_cap": request.POST.get(f"rule-{rule.pk}-cap", ""),
                "pair_cap": request.POST.get(f"rule-{rule.pk}-pair", ""),
                "active": request.POST.get(f"rule-{rule.pk}-active") == "1",
            }
            for rule in found
        }
        _done, error = run(lambda: services.save_rules(actor=request.user, rows=rows))
        if error is None:
            messages.success(request, _("Saved. New points follow these rules."))
            return redirect("gamification:rules")
        # Show what was typed (nothing was saved), so the one bad value can be corrected.
        for rule in found:
            row = rows[rule.pk]
            rule.points, rule.daily_cap, rule.pair_cap, rule.active = (
                row["points"],
                row["daily_cap"],
                row["pair_cap"],
                row["active"],
            )
    return render(
        request,
        "gamification/rules.html",
        {
            "rules": found,
            "error": error,
            "values": request.POST if error else None,
            "settings": services.game_settings(),
        },
        status=400 if error else 200,
    )


@require_POST
def save_settings(request):
    _admin(request)
    services.save_settings(
        actor=request.user,
        points_on=request.POST.get("points_on") == "1",
        leaderboards_on=request.POST.get("leaderboards_on") == "1",
        visible_by_default=request.POST.get("visible_by_default") == "1",
    )
    messages.success(request, _("Saved. The switches apply on every page from now on."))
    return redirect("gamification:rules")


# --- Badges -------------------------------------------------------------------------------------


@require_GET
def badges(request):
    return render(
        request,
        "gamification/badges.html",
        {
            "badges": selectors.badges_overview(user=request.user),
            "may_edit": permissions.is_administrator(request.user),
        },
    )


@require_GET
def badge(request, badge_id: int):
    found = access.access_badge(user=request.user, badge_id=badge_id)
    return render(
        request,
        "gamification/badge.html",
        {
            "badge": found,
            "holders": selectors.badge_holders(badge=found),
            "may_edit": permissions.is_administrator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def edit_badge(request, badge_id: int | None = None):
    _admin(request)
    found = get_object_or_404(Badge, pk=badge_id) if badge_id else None
    error = None
    if request.method == "POST":
        saved, error = run(
            lambda: services.save_badge(actor=request.user, badge=found, data=request.POST)
        )
        if error is None:
            messages.success(request, _("Badge saved."))
            return redirect("gamification:badge", badge_id=saved.pk)
    return render(
        request,
        "gamification/edit_badge.html",
        {
            "badge": found,
            "error": error,
            "values": request.POST if request.method == "POST" else None,
            "deeds": DeedKind.choices,
            "spaces": spaces_where(user=request.user),
        },
        status=400 if error else 200,
    )


# --- Success stories ----------------------------------------------------------------------------


def _story(request, story_id: int):
    return access.access_story(user=request.user, story_id=story_id)


def _chosen_department(request):
    """The ?department= filter: None when not given, 404 when unknown or malformed."""
    if not request.GET.get("department"):
        return None
    department = department_by_id(request.GET["department"])
    if department is None:
        raise Http404
    return department


@require_GET
def stories(request):
    """Every story one may read; by department; with where one may publish."""
    department = _chosen_department(request)
    found = selectors.story_list(user=request.user, department=department)
    return render(
        request,
        "gamification/stories.html",
        {
            "stories": found,
            "department": department,
            "departments": departments(),
            "summary": selectors.reuse_summary(stories=[s.pk for s in found]),
            "kinds": dict(ReuseKind.choices),
            "publish_in": access.publishing_spaces(user=request.user),
        },
    )


@require_GET
def space_stories(request, slug: str):
    access = access_module(user=request.user, slug=slug, module=Module.STORIES)
    if not access.can(Action.VIEW):
        raise Http404
    return render(
        request,
        "gamification/space.html",
        {
            "space": access.space,
            "access": access,
            "tab": "stories",
            "stories": selectors.story_list(user=request.user, space=access.space),
            "may_publish": access.can(Action.PUBLISH_STORY),
        },
    )


@require_http_methods(["GET", "POST"])
def new_story(request, slug: str):
    access = access_module(user=request.user, slug=slug, module=Module.STORIES)
    if not access.can(Action.PUBLISH_STORY):
        raise Http404
    error = None
    if request.method == "POST":
        post = request.POST
        story, error = run(
            lambda: services.publish_story(
                author=request.user,
                space=access.space,
                title=post.get("title", ""),
                challenge=post.get("challenge", ""),
                approach=post.get("approach", ""),
                result=post.get("result", ""),
                people_ids=post.getlist("people"),
                team_ids=post.getlist("teams"),
                images=request.FILES.getlist("images"),
                image_alts=post.getlist("alt"),
            )
        )
        if error is None:
            messages.success(request, _("Your story is published. Everyone tagged hears about it."))
            return redirect(story)
    from django.contrib.auth import get_user_model

    return render(
        request,
        "gamification/new_story.html",
        {
            "space": access.space,
            "access": access,
            "tab": "stories",
            "error": error,
            "values": request.POST if error else None,
            "chosen_people": {_int(pk) for pk in request.POST.getlist("people")},
            "chosen_teams": {_int(pk) for pk in request.POST.getlist("teams")},
            "people": get_user_model()
            .objects.filter(permissions.colleague_filter())
            .order_by("first_name", "last_name")
            .only("first_name", "last_name", "email"),
            "teams": departments(),
        },
        status=400 if error else 200,
    )


@require_GET
def story(request, story_id: int):
    found = _story(request, story_id)
    context = selectors.story_page(story=found, user=request.user)
    context.update(
        story=found,
        kinds=ReuseKind.choices,
        may_feature=services.may_appoint(request.user),
        may_reuse=request.user.department_id is not None and not context["reused_by_my_team"],
        moderator=permissions.access_for(request.user, found.space).can(Action.MODERATE),
        may_report=True,
    )
    return render(request, "gamification/story.html", context)


@require_POST
def reuse(request, story_id: int):
    found = _story(request, story_id)
    _done, error = run(
        lambda: services.record_reuse(
            user=request.user,
            story=found,
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
        )
    )
    if error is None:
        messages.success(request, _("Thank you: the people behind this story hear it helped."))
    else:
        messages.error(request, " ".join(error.messages))
    return redirect(found)


@require_POST
def feature(request, story_id: int):
    found = _story(request, story_id)
    run(
        lambda: services.feature_story(
            actor=request.user, story=found, featured=request.POST.get("featured") == "1"
        )
    )
    return redirect(found)


@require_GET
def image(request, story_id: int, image_id: int):
    found = _story(request, story_id)
    picture = get_object_or_404(found.images, pk=image_id)
    return files.serve(picture)


# --- Ambassadors --------------------------------------------------------------------------------


@require_GET
def ambassadors(request):
    from django.contrib.auth import get_user_model

    may_appoint = services.may_appoint(request.user)
    return render(
        request,
        "gamification/ambassadors.html",
        {
            "ambassadors": selectors.ambassadors(),
            "may_appoint": may_appoint,
            "quiet": selectors.not_yet_active(viewer=request.user),
            "departments": departments() if may_appoint else [],
            "people": get_user_model()
            .objects.filter(permissions.colleague_filter())
            .order_by("first_name", "last_name")
            .only("first_name", "last_name", "email")
            if may_appoint
            else [],
        },
    )


@require_POST
def appoint(request):
    from django.contrib.auth import get_user_model

    if not services.may_appoint(request.user):
        raise Http404
    person = get_user_model().objects.filter(pk=_int(request.POST.get("user"))).first()
    department = department_by_id(request.POST.get("department"))
    if person is None:
        messages.error(request, _("Choose a colleague."))
        return redirect("gamification:ambassadors")
    if request.POST.get("action") == "end":
        run(lambda: services.end_ambassadorship(actor=request.user, user=person))
        messages.success(request, _("%(name)s is no longer an ambassador.") % {"name": person})
        return redirect("gamification:ambassadors")
    _done, error = run(
        lambda: services.appoint_ambassador(actor=request.user, user=person, department=department)
    )
    if error is None:
        messages.success(request, _("%(name)s is now an ambassador.") % {"name": person})
    else:
        messages.error(request, " ".join(error.messages))
    return redirect("gamification:ambassadors")


# --- Challenges ---------------------------------------------------------------------------------


def _date(raw) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(raw or ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def challenges(request):
    error = None
    may_create = services.may_appoint(request.user)
    if request.method == "POST":
        if not may_create:
            raise Http404
        steps = [
            (deed, _int(count) or 0)
            for deed, count in zip(
                request.POST.getlist("step_deed"), request.POST.getlist("step_count"), strict=False
            )
        ]
        _done, error = run(
            lambda: services.create_challenge(
                actor=request.user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                starts_on=_date(request.POST.get("starts_on")),
                ends_on=_date(request.POST.get("ends_on")),
                steps=steps,
            )
        )
        if error is None:
            messages.success(request, _("The challenge is open to everyone."))
            return redirect("gamification:challenges")
    return render(
        request,
        "gamification/challenges.html",
        {
            "rows": selectors.challenges_for(user=request.user),
            "may_create": may_create,
            "deeds": DeedKind.choices,
            "error": error,
            "values": request.POST if error else None,
        },
        status=400 if error else 200,
    )


@require_POST
def join(request, challenge_id: int):
    found = get_object_or_404(Challenge, pk=challenge_id)
    _done, error = run(lambda: services.join_challenge(user=request.user, challenge=found))
    if error is None:
        services.check_challenges(user_id=request.user.pk)
        messages.success(request, _("You joined. Your progress shows here."))
    else:
        messages.error(request, " ".join(error.messages))
    return redirect("gamification:challenges")
