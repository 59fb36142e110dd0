"""People pages: directory, person, profile editing, photo, endorsements, expertise finder,
mentoring and the personal data download. Thin: selectors read, services write, and anything
one may not see answers 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.activity import selectors as activity
from intranet.core.forms import errors_onto
from intranet.governance import permissions
from profiles import selectors, services
from profiles.forms import MentoringOfferForm, PhotoForm, ProfileForm
from profiles.models import MentoringOffer, MentoringPair, User

SKILL_INPUTS = ("q", "skill", "skills", "ask_me_about")


def _int_or_none(value) -> int | None:
    return int(value) if value and str(value).isdecimal() else None


def _visible_person(request, user_id: int):
    person = selectors.person_for(viewer=request.user, user_id=user_id)
    if person is None:
        raise Http404
    return person


@require_GET
def directory(request):
    query = selectors.DirectoryQuery.from_params(request.GET)
    # The same for every colleague (not for guests): rendered once per query and page until a
    # profile changes (selectors.directory_cache_key), at most a minute.
    key = selectors.directory_cache_key(viewer=request.user, params=request.GET)
    results = cache.get(key) if key else None
    if results is None:
        people = selectors.directory(viewer=request.user, query=query)
        paginator = selectors.DirectoryPaginator(
            people, selectors.DIRECTORY_PAGE, viewer=request.user, query=query
        )
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = selectors.with_skills(page.object_list)
        results = render_to_string(
            "profiles/_directory_results.html", {"page": page, "query": query}, request
        )
        if key:
            cache.set(key, results, timeout=60)
    if request.htmx and request.htmx.target == "people-results":
        return HttpResponse(results)
    context = {"results": mark_safe(results), "query": query}  # noqa: S308 - our own render
    context.update(selectors.directory_facets(viewer=request.user))
    return render(request, "profiles/directory.html", context)


@require_GET
def person(request, user_id: int):
    someone = _visible_person(request, user_id)
    if permissions.is_guest(request.user) and someone.pk != request.user.pk:
        # Guests see the profile of people in their spaces, not everything they did.
        context = {"items": [], "feed": None}
    else:
        context = activity.feed_page(
            user=request.user,
            feed=activity.Feed("person", someone.pk),
            before=_int_or_none(request.GET.get("before")),
        )
        context["live_feed"] = f"person:{someone.pk}"
    context.update(selectors.person_page(viewer=request.user, person=someone))
    context["person"] = someone
    return render(request, "profiles/person.html", context)


@require_GET
def photo(request, user_id: int, name: str):
    someone = _visible_person(request, user_id)
    if not someone.photo or someone.photo.name.rsplit("/", 1)[-1] != name:
        raise Http404
    response = FileResponse(someone.photo.open("rb"), content_type="image/webp")
    # The name changes with every new photo, so the browser may keep this one.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_GET
def my_profile(request):
    return redirect("profiles:edit", user_id=request.user.pk)


def _may_set_manager(request) -> bool:
    """Reporting lines come from the organisation: only administrators set someone's manager
    (a manager the person named themselves would open leadership views to that colleague)."""
    return permissions.is_administrator(request.user)


def _profile_data(request, person) -> tuple[dict, dict]:
    """The form's values for the service, and errors of fields the service cannot check. The
    manager only from an administrator; anyone else's form has no such field."""
    form = ProfileForm(request.POST, may_set_manager=_may_set_manager(request))
    data = form.service_data()
    errors = {}
    if not form.sets_manager:
        return data, errors
    email = (request.POST.get("manager_email") or "").strip()
    if email:
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None:
            errors["manager_email"] = _("No active colleague has this email address.")
        data["manager"] = manager.pk if manager else None
    else:
        data["manager"] = None
    return data, errors


@require_http_methods(["GET", "POST"])
def edit(request, user_id: int):
    person = _visible_person(request, user_id)
    if not request.user.has_perm("profiles.change_profile", person):
        raise Http404
    status = 200
    may_set_manager = _may_set_manager(request)
    if request.method == "POST":
        data, errors = _profile_data(request, person)
        validate_only = request.htmx and request.POST.get("_validate")
        try:
            if errors:
                raise ValidationError(errors)
            if validate_only:
                services.validate_profile(person=person, data=data)
            else:
                services.update_profile(actor=request.user, person=person, data=data)
                messages.success(request, _("Profile saved."))
                return redirect("profiles:person", user_id=person.pk)
        except ValidationError as error:
            form = ProfileForm(request.POST, may_set_manager=may_set_manager)
            errors_onto(form, error, rename={"manager": "manager_email"})
            status = 400 if not validate_only else 200
        else:
            form = ProfileForm(request.POST, may_set_manager=may_set_manager)
        if validate_only:
            return render(request, "profiles/_profile_form.html", {"form": form, "person": person})
    else:
        form = ProfileForm.for_person(person, may_set_manager=may_set_manager)
    return render(
        request,
        "profiles/edit.html",
        {"form": form, "photo_form": PhotoForm(), "person": person},
        status=status,
    )


@require_POST
def photo_upload(request, user_id: int):
    person = _visible_person(request, user_id)
    try:
        if request.POST.get("action") == "remove":
            services.remove_photo(actor=request.user, person=person)
            messages.success(request, _("Photo removed."))
        else:
            services.set_photo(actor=request.user, person=person, upload=request.FILES.get("photo"))
            messages.success(request, _("Photo saved."))
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        return render(
            request,
            "profiles/edit.html",
            {
                "form": ProfileForm.for_person(person, may_set_manager=_may_set_manager(request)),
                "photo_form": PhotoForm(),
                "photo_error": " ".join(error.messages),
                "person": person,
            },
            status=400,
        )
    return redirect("profiles:edit", user_id=person.pk)


@require_POST
def endorse(request, user_id: int):
    person = _visible_person(request, user_id)
    skill = request.POST.get("skill", "")
    try:
        if request.POST.get("action") == "withdraw":
            services.withdraw_endorsement(endorser=request.user, person=person, skill_slug=skill)
        else:
            services.endorse(endorser=request.user, person=person, skill_slug=skill)
            messages.success(request, _("Endorsement saved."))
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("profiles:person", user_id=person.pk)
    return redirect("profiles:person", user_id=person.pk)


@require_GET
def skill_options(request):
    """<option>s for a skills datalist (htmx autocomplete). Fields hold comma-separated lists:
    suggestions complete the last item and keep the ones before it."""
    typed = next((request.GET[k] for k in SKILL_INPUTS if request.GET.get(k)), "")
    *before, last = typed.split(",")
    keep = [" ".join(x.split()) for x in before if x.strip()]
    names = selectors.skill_suggestions(prefix=last)
    values = [", ".join([*keep, name]) for name in names if name not in keep]
    return render(request, "profiles/_skill_options.html", {"values": values})


@require_GET
def expertise(request):
    if permissions.is_guest(request.user):
        raise Http404
    text = " ".join(request.GET.get("topic", "").split())[:60]
    topic, name = selectors.topic_of(text)
    experts = selectors.experts(viewer=request.user, topic=topic, topic_name=name)
    return render(
        request, "profiles/expertise.html", {"text": text, "topic_name": name, "experts": experts}
    )


@require_http_methods(["GET", "POST"])
def mentoring(request):
    if permissions.is_guest(request.user):
        raise Http404
    form = MentoringOfferForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "offer":
                form = MentoringOfferForm(request.POST)
                services.offer_mentoring(
                    person=request.user,
                    skill=request.POST.get("skill", ""),
                    role=request.POST.get("role", ""),
                    reverse=bool(request.POST.get("reverse")),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Saved. Plein suggests matches below."))
            elif action == "withdraw":
                services.withdraw_offer(
                    person=request.user, offer_id=_int_or_none(request.POST.get("offer")) or 0
                )
            elif action == "propose":
                services.propose_mentoring(
                    actor=request.user,
                    offer_id=_int_or_none(request.POST.get("offer")) or 0,
                    counterpart_offer_id=_int_or_none(request.POST.get("match")) or 0,
                )
                messages.success(request, _("Proposal sent."))
            elif action in ("accept", "decline"):
                services.decide_mentoring(
                    actor=request.user,
                    pair_id=_int_or_none(request.POST.get("pair")) or 0,
                    accept=action == "accept",
                )
            elif action == "end":
                services.end_mentoring(
                    actor=request.user, pair_id=_int_or_none(request.POST.get("pair")) or 0
                )
            else:
                raise ValidationError(_("Unknown action."))
            return redirect("profiles:mentoring")
        except (MentoringOffer.DoesNotExist, MentoringPair.DoesNotExist, PermissionDenied) as e:
            raise Http404 from e
        except ValidationError as error:
            if action == "offer":
                errors_onto(form, error)
            else:
                messages.error(request, " ".join(error.messages))
            status = 400
    context = selectors.mentoring_overview(user=request.user)
    context["form"] = form
    return render(request, "profiles/mentoring.html", context, status=status)


@require_GET
def export(request):
    """Download my profile data (GDPR): a JSON file, never cached."""
    data = selectors.export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="plein-profile-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response
