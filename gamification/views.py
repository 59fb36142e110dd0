"""Recognition and success story pages. Thin: selectors read, services write; what one may not
see is a 404, bad input is the same page with the message and nothing saved."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gamification import access, forms, selectors, services
from gamification.models import (
    AmbassadorActivityKind,
    Badge,
    Challenge,
    DeedKind,
    InvitationKind,
    Period,
    PointRule,
    ReuseKind,
)
from intranet.core import files
from intranet.core.forms import perform
from intranet.governance import permissions
from intranet.governance.constants import Action, Module
from intranet.governance.selectors import (
    access_module,
    access_space,
    departments,
    spaces_where,
)


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
    chosen = forms.LeaderboardFilterForm(request.GET)
    period, department, space = chosen.period_chosen(), _chosen_department(chosen), None
    if department is None and chosen.cleaned_data.get("space"):
        access = access_space(user=request.user, slug=chosen.cleaned_data["space"])
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
    form = forms.PrivacyForm(request.POST)
    _done, error = perform(
        request,
        lambda: services.set_visibility(user=request.user, visible=form.valid()["visible"] == "1"),
    )
    if error is not None:
        return redirect("gamification:mine")
    if form.cleaned_data["visible"] == "1":
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
        rows = forms.RuleFormSet(request.POST, rows=[f"rule-{rule.pk}" for rule in found])
        _done, error = perform(
            request,
            lambda: services.save_rules(actor=request.user, rows=_rule_rows(rows.valid(), found)),
            quiet=True,
        )
        if error is None:
            messages.success(request, _("Saved. New points follow these rules."))
            return redirect("gamification:rules")
        # Show what was typed (nothing was saved), so the one bad value can be corrected.
        for rule, row in zip(found, rows.forms, strict=True):
            rule.points, rule.daily_cap, rule.pair_cap = (
                row["points"].value(),
                row["cap"].value(),
                row["pair"].value(),
            )
            rule.active = row["active"].value() == "1"
    return render(
        request,
        "gamification/rules.html",
        {
            "rules": found,
            "error": error,
            "settings": services.game_settings(),
        },
        status=400 if error else 200,
    )


def _rule_rows(rows: list[dict], rules) -> dict[int, dict]:
    """The rules page's rows for services.save_rules, by rule."""
    return {
        rule.pk: {
            "points": row.get("points"),
            "daily_cap": row.get("cap"),
            "pair_cap": row.get("pair"),
            "active": row.get("active", False),
        }
        for rule, row in zip(rules, rows, strict=True)
    }


@require_POST
def save_settings(request):
    _admin(request)
    form = forms.GameSettingsForm(request.POST)
    _done, error = perform(
        request, lambda: services.save_settings(actor=request.user, **form.valid())
    )
    if error is not None:
        return redirect("gamification:rules")
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
    form = forms.BadgeForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        saved, error = perform(
            request,
            lambda: services.save_badge(actor=request.user, badge=found, data=form.valid()),
            quiet=True,
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
            "values": form.data or None,
            "deeds": DeedKind.choices,
            "spaces": spaces_where(user=request.user),
        },
        status=400 if error else 200,
    )


# --- Success stories ----------------------------------------------------------------------------


def _story(request, story_id: int):
    return access.access_story(user=request.user, story_id=story_id)


def _chosen_department(chosen: forms.DepartmentFilterForm):
    """The ?department= filter: None when not given, 404 when unknown or malformed."""
    department = chosen.chosen()
    if chosen.unknown:
        raise Http404
    return department


@require_GET
def stories(request):
    """Every story one may read; by department; with where one may publish."""
    department = _chosen_department(forms.DepartmentFilterForm(request.GET))
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
    form = forms.StoryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    error = None
    if request.method == "POST":
        story, error = perform(
            request,
            lambda: services.publish_story(
                author=request.user, space=access.space, **_story_fields(form.valid())
            ),
            quiet=True,
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
            "values": form.data if error else None,
            "chosen_people": set(getattr(form, "cleaned_data", {}).get("people", [])),
            "chosen_teams": set(getattr(form, "cleaned_data", {}).get("teams", [])),
            "people": get_user_model()
            .objects.filter(permissions.colleague_filter())
            .order_by("first_name", "last_name")
            .only("first_name", "last_name", "email"),
            "teams": departments(),
        },
        status=400 if error else 200,
    )


def _story_fields(data: dict) -> dict:
    """The story form's values as services.publish_story takes them."""
    return {
        "title": data["title"],
        "challenge": data["challenge"],
        "approach": data["approach"],
        "result": data["result"],
        "people_ids": data["people"],
        "team_ids": data["teams"],
        "images": data["images"],
        "image_alts": data["alt"],
    }


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
    form = forms.ReuseForm(request.POST)
    _done, error = perform(
        request, lambda: services.record_reuse(user=request.user, story=found, **form.valid())
    )
    if error is None:
        messages.success(request, _("Thank you: the people behind this story hear it helped."))
    return redirect(found)


@require_POST
def feature(request, story_id: int):
    found = _story(request, story_id)
    form = forms.FeatureForm(request.POST)
    perform(
        request, lambda: services.feature_story(actor=request.user, story=found, **form.valid())
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
    is_ambassador = selectors.is_ambassador(request.user)
    return render(
        request,
        "gamification/ambassadors.html",
        {
            "ambassadors": selectors.ambassadors(),
            "may_appoint": may_appoint,
            "is_ambassador": is_ambassador,
            "is_admin": permissions.is_administrator(request.user),
            "space": selectors.ambassador_space() if may_appoint or is_ambassador else None,
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

    if not services.may_appoint(request.user):
        raise Http404
    form = forms.AppointForm(request.POST)
    if not form.is_valid():
        perform(request, form.valid)
        return redirect("gamification:ambassadors")
    person, action = form.cleaned_data["user"], form.cleaned_data["action"]
    if action == "end":
        _done, error = perform(
            request, lambda: services.end_ambassadorship(actor=request.user, user=person)
        )
        if error is None:
            messages.success(request, _("%(name)s is no longer an ambassador.") % {"name": person})
        return redirect("gamification:ambassadors")
    _done, error = perform(
        request,
        lambda: services.appoint_ambassador(
            actor=request.user, user=person, department=form.cleaned_data["department"]
        ),
    )
    if error is None:
        messages.success(request, _("%(name)s is now an ambassador.") % {"name": person})
    return redirect("gamification:ambassadors")


# --- Challenges ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def challenges(request):
    error = None
    may_create = services.may_appoint(request.user)
    form = forms.ChallengeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_create:
            raise Http404
        _done, error = perform(
            request,
            lambda: services.create_challenge(
                actor=request.user, **_challenge_fields(form.valid()), steps=form.steps()
            ),
            quiet=True,
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
            "values": form.data if error else None,
        },
        status=400 if error else 200,
    )


def _challenge_fields(data: dict) -> dict:
    return {key: data[key] for key in ("title", "description", "starts_on", "ends_on")}


@require_POST
def join(request, challenge_id: int):
    found = get_object_or_404(Challenge, pk=challenge_id)
    _done, error = perform(
        request, lambda: services.join_challenge(user=request.user, challenge=found)
    )
    if error is None:
        services.check_challenges(user_id=request.user.pk)
        messages.success(request, _("You joined. Your progress shows here."))
    return redirect("gamification:challenges")


# --- Informal leaders get room, with consent (issue 22) -----------------------------------------


@require_http_methods(["GET", "POST"])
def invite(request, user_id: int):
    """From a row of the person-level insights (administrators who may open them): invite the
    person into the ambassador programme or to mentor, saying why in one's own words. The
    address names the person view (?measure=&window=); someone not shown there is a 404."""
    from django.contrib.auth import get_user_model

    if not services.may_invite(request.user):
        raise Http404
    view = forms.PeopleViewForm(request.GET).view()
    person = get_user_model().objects.filter(pk=user_id).first() if view else None
    if person is None:
        raise Http404
    measure, window = view
    _done, refused = perform(
        request,
        lambda: services.check_invitable(
            actor=request.user, person=person, window=window, measure=measure
        ),
        quiet=True,
    )
    posted = request.method == "POST" and refused is None
    form = forms.InviteLeaderForm(request.POST if posted else None)
    error = refused
    if posted:
        _invitation, error = perform(
            request,
            lambda: services.invite_leader(
                actor=request.user, person=person, window=window, measure=measure,
                **_invitation_fields(form.valid()),
            ),
            quiet=True,
        )  # fmt: skip
        if error is None:
            messages.success(
                request,
                _("Invitation sent. %(name)s decides; nothing changes before they accept.")
                % {"name": person.display_name},
            )
            return redirect("gamification:leadership_sent")
    return render(
        request,
        "gamification/invite.html",
        {
            "person": person,
            "measure": measure,
            "window": window,
            "refused": refused,
            "error": error,
            "values": form.data if error else None,
            "kinds": InvitationKind.choices,
        },
        status=400 if error else 200,
    )


def _invitation_fields(data: dict) -> dict:
    """The invite form's values as services.invite_leader takes them."""
    return {
        "kind": data["kind"],
        "reason": data["reason"],
        "counterpart_email": data["counterpart"],
        "skill": data["skill"],
    }


@require_GET
def invitations(request):
    """The person's own invitations: who asked, why (in their words), and accept or decline.
    No figure of the insights is shown here, and none is stored with an invitation."""
    if not request.user.is_authenticated:
        raise Http404
    return render(
        request,
        "gamification/invitations.html",
        {"invitations": selectors.invitations_for(user=request.user)},
    )


@require_POST
def answer_invitation(request, invitation_id: int):
    # Whose it is before what was sent: someone else's invitation is a 404 whatever the post.
    if selectors.invitation_of(user=request.user, invitation_id=invitation_id) is None:
        raise Http404
    form = forms.AnswerInvitationForm(request.POST)
    invitation, error = perform(
        request,
        lambda: services.answer_invitation(
            actor=request.user,
            invitation_id=invitation_id,
            **_answer(form.valid()),
        ),
    )
    if error is None:
        if invitation.status == "accepted":
            messages.success(request, _("Welcome aboard. Thank you for saying yes."))
        else:
            messages.success(
                request, _("Declined. Nothing changes, and nobody holds it against you.")
            )
    return redirect("gamification:invitations")


def _answer(data: dict) -> dict:
    return {"accept": data["action"] == "accept", "skill": data["skill"]}


@require_GET
def leadership_sent(request):
    """Invitations sent, for administrators: their answers, and withdrawing a waiting one."""
    sent = selectors.sent_invitations(viewer=request.user)
    if sent is None:
        raise Http404
    return render(request, "gamification/leadership_sent.html", {"invitations": sent})


@require_POST
def withdraw_invitation(request, invitation_id: int):
    _done, error = perform(
        request,
        lambda: services.withdraw_invitation(actor=request.user, invitation_id=invitation_id),
    )
    if error is None:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("gamification:leadership_sent")


@require_http_methods(["GET", "POST"])
def ambassador_log(request):
    """An ambassador's own log: sessions given and teams helped, with the hours."""
    if not selectors.is_ambassador(request.user):
        raise Http404
    form = forms.AmbassadorLogForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST":
        _entry, error = perform(
            request,
            lambda: services.log_ambassador_activity(actor=request.user, **form.valid()),
            quiet=True,
        )
        if error is None:
            messages.success(request, _("Logged. Thank you for helping colleagues."))
            return redirect("gamification:ambassador_log")
    return render(
        request,
        "gamification/ambassador_log.html",
        {
            **selectors.ambassador_log(user=request.user),
            "granted": selectors.hours_granted(user=request.user),
            "space": selectors.ambassador_space(),
            "kinds": AmbassadorActivityKind.choices,
            "departments": departments(),
            "error": error,
            "values": form.data if error else None,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def ambassador_hours(request):
    """What the ambassadors logged beside the hours granted to them: for administrators and
    community managers; administrators set the hours granted."""
    if not services.may_appoint(request.user):
        raise Http404
    may_grant = permissions.is_administrator(request.user)
    if request.method == "POST":
        if not may_grant:
            raise Http404
        form = forms.HoursGrantedForm(request.POST)
        _found, error = perform(
            request,
            lambda: services.set_hours_granted(actor=request.user, **form.valid()),
        )
        if error is None:
            messages.success(request, _("Hours granted saved."))
        return redirect("gamification:ambassador_hours")
    return render(
        request,
        "gamification/ambassador_hours.html",
        {
            "rows": selectors.ambassador_totals(),
            "may_grant": may_grant,
            "space": selectors.ambassador_space(),
        },
    )
