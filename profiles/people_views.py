"""People pages: directory, person, profile editing, photo, endorsements, expertise finder,
mentoring, reverse-mentoring cohorts and the personal data download. Thin: selectors read,
services write, and anything one may not see answers 404."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.activity import selectors as activity
from intranet.core.forms import perform
from intranet.governance import permissions
from profiles import access, rules, selectors, services
from profiles.forms import (
    CohortForm,
    CohortPairFormSet,
    DirectoryForm,
    EndorseForm,
    EvaluationForm,
    ExpertiseForm,
    FeedForm,
    MentoringActionForm,
    MentoringOfferForm,
    PhotoForm,
    PhotoUploadForm,
    ProfileForm,
    SessionForm,
    SkillTypedForm,
    ValidateOnlyForm,
)
from profiles.models import MentoringCohort, MentoringOffer, MentoringPair


def _visible_person(request, user_id: int):
    person = selectors.person_for(viewer=request.user, user_id=user_id)
    if person is None:
        raise Http404
    return person


@require_GET
def directory(request):
    form = DirectoryForm(request.GET)
    query = form.query()
    # The same for every colleague (not for guests): rendered once per query and page until a
    # profile changes (selectors.directory_cache_key), at most a minute.
    key = selectors.directory_cache_key(viewer=request.user, params=form.data)
    results = cache.get(key) if key else None
    if results is None:
        people = selectors.directory(viewer=request.user, query=query)
        paginator = selectors.DirectoryPaginator(
            people, selectors.DIRECTORY_PAGE, viewer=request.user, query=query
        )
        page = paginator.get_page(form.values()["page"])
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
            before=FeedForm(request.GET).values()["before"],
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


@require_http_methods(["GET", "POST"])
def edit(request, user_id: int):
    person = _visible_person(request, user_id)
    if not request.user.has_perm("profiles.change_profile", person):
        raise Http404
    may_set_manager = _may_set_manager(request)
    if request.method != "POST":
        form = ProfileForm.for_person(person, may_set_manager=may_set_manager)
        return render(
            request,
            "profiles/edit.html",
            {"form": form, "photo_form": PhotoForm(), "person": person},
        )
    form = ProfileForm(request.POST, may_set_manager=may_set_manager)
    # htmx checks the form as it is filled in: the same checks, nothing saved.
    validate_only = bool(request.htmx) and ValidateOnlyForm(request.POST).validate_only()
    if form.is_valid():
        service = services.validate_profile if validate_only else services.update_profile
        actor = {} if validate_only else {"actor": request.user}
        _done, refused = perform(
            request,
            lambda: service(**actor, person=person, data=form.service_data()),
            form=form,
            rename={"manager": "manager_email"},
        )
        if not refused and not validate_only:
            messages.success(request, _("Profile saved."))
            return redirect("profiles:person", user_id=person.pk)
    if validate_only:
        return render(request, "profiles/_profile_form.html", {"form": form, "person": person})
    return render(
        request,
        "profiles/edit.html",
        {"form": form, "photo_form": PhotoForm(), "person": person},
        status=400,
    )


@require_POST
def photo_upload(request, user_id: int):
    person = _visible_person(request, user_id)
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        remove = form.cleaned_data["action"] == "remove"
        upload = form.cleaned_data["photo"]
        _done, refused = perform(
            request,
            lambda: (
                services.remove_photo(actor=request.user, person=person)
                if remove
                else services.set_photo(actor=request.user, person=person, upload=upload)
            ),
            form=form,
        )
        if not refused:
            messages.success(request, _("Photo removed.") if remove else _("Photo saved."))
            return redirect("profiles:edit", user_id=person.pk)
    return render(
        request,
        "profiles/edit.html",
        {
            "form": ProfileForm.for_person(person, may_set_manager=_may_set_manager(request)),
            "photo_form": PhotoForm(),
            "photo_error": " ".join(text for texts in form.errors.values() for text in texts),
            "person": person,
        },
        status=400,
    )


@require_POST
def endorse(request, user_id: int):
    person = _visible_person(request, user_id)
    form = EndorseForm(request.POST)
    form.is_valid()  # never refused: the service judges the skill
    skill, action = form.cleaned_data["skill"], form.cleaned_data["action"]
    if action == "withdraw":
        perform(
            request,
            lambda: services.withdraw_endorsement(
                endorser=request.user, person=person, skill_slug=skill
            ),
        )
    else:
        _done, refused = perform(
            request,
            lambda: services.endorse(endorser=request.user, person=person, skill_slug=skill),
        )
        if not refused:
            messages.success(request, _("Endorsement saved."))
    return redirect("profiles:person", user_id=person.pk)


@require_GET
def skill_options(request):
    """<option>s for a skills datalist (htmx autocomplete). Fields hold comma-separated lists:
    suggestions complete the last item and keep the ones before it."""
    typed = SkillTypedForm(request.GET).typed()
    *before, last = typed.split(",")
    keep = [" ".join(x.split()) for x in before if x.strip()]
    names = selectors.skill_suggestions(prefix=last)
    values = [", ".join([*keep, name]) for name in names if name not in keep]
    return render(request, "profiles/_skill_options.html", {"values": values})


@require_GET
def expertise(request):
    if permissions.is_guest(request.user):
        raise Http404
    text = ExpertiseForm(request.GET).values()["topic"]
    topic, name = selectors.topic_of(text)
    experts = selectors.experts(viewer=request.user, topic=topic, topic_name=name)
    return render(
        request, "profiles/expertise.html", {"text": text, "topic_name": name, "experts": experts}
    )


def _mentoring_service(request, action: str, ids: dict, offer_form):
    """The one service a button of the mentoring page asks for."""
    user = request.user
    if action == "offer":
        return lambda: services.offer_mentoring(person=user, **offer_form.cleaned_data)
    if action == "withdraw":
        return lambda: services.withdraw_offer(person=user, offer_id=ids["offer"])
    if action == "propose":
        return lambda: services.propose_mentoring(
            actor=user, offer_id=ids["offer"], counterpart_offer_id=ids["match"]
        )
    if action in ("accept", "decline"):
        return lambda: services.decide_mentoring(
            actor=user, pair_id=ids["pair"], accept=action == "accept"
        )
    return lambda: services.end_mentoring(actor=user, pair_id=ids["pair"])


DONE = {
    "offer": _lazy("Saved. Plein suggests matches below."),
    "propose": _lazy("Proposal sent."),
}


@require_http_methods(["GET", "POST"])
def mentoring(request):
    if permissions.is_guest(request.user):
        raise Http404
    form = MentoringOfferForm()
    status = 200
    if request.method == "POST":
        chosen = MentoringActionForm(request.POST)
        if not chosen.is_valid():
            messages.error(request, _("Unknown action."))
            status = 400
        else:
            action = chosen.cleaned_data["action"]
            if action == "offer":
                form = MentoringOfferForm(request.POST)
            if action != "offer" or form.is_valid():
                call = _mentoring_service(request, action, chosen.cleaned_data, form)
                try:
                    _done, refused = perform(
                        request, call, form=form if action == "offer" else None
                    )
                except (MentoringOffer.DoesNotExist, MentoringPair.DoesNotExist) as error:
                    raise Http404 from error
                if not refused:
                    if action in DONE:
                        messages.success(request, DONE[action])
                    return redirect("profiles:mentoring")
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


# --- Reverse-mentoring cohorts (issue 22) --------------------------------------------------------

NEW_PAIR_ROWS = 3


def _cohort(request, cohort_id: int, action: str = access.VIEW):
    """The cohort, if `action` is the viewer's there; else 404 (missing or not theirs alike)."""
    try:
        return access.access_cohort(request.user, cohort_id, action)
    except MentoringCohort.DoesNotExist as error:
        raise Http404 from error


@require_GET
def cohorts(request):
    if permissions.is_guest(request.user):
        raise Http404
    return render(request, "profiles/cohorts.html", selectors.cohort_list(user=request.user))


@require_http_methods(["GET", "POST"])
def cohort_new(request):
    if not rules.organising_scope(request.user):
        raise Http404
    choices = selectors.cohort_form_choices(user=request.user)
    form = CohortForm(request.POST if request.method == "POST" else None, **choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cohort, refused = perform(
                request,
                lambda: services.create_cohort(actor=request.user, **form.service_data()),
                form=form,
                rename={"department_id": "department"},
            )
            if not refused:
                messages.success(request, _("Cohort created. Now pair seniors with juniors."))
                return redirect("profiles:cohort_pairs", cohort_id=cohort.pk)
        status = 400
    return render(request, "profiles/cohort_new.html", {"form": form}, status=status)


def _cohort_page(request, cohort_access, *, posted=None, status=200):
    """The cohort page; after a refused session, its form (with the input and the reasons)
    under the pair it was for, or the reasons at the top."""
    context = selectors.cohort_page(user=request.user, access=cohort_access)
    shown = False
    for pair in context["loggable"]:
        if posted is not None and getattr(posted, "cleaned_data", {}).get("pair") == pair.pk:
            pair.session_form, shown = posted, True
        else:
            pair.session_form = SessionForm(
                initial={"pair": pair.pk, "held_on": timezone.localdate()},
                auto_id=f"session-{pair.pk}-%s",
            )
    if posted is not None and not shown:
        context["session_error"] = " ".join(
            text for texts in posted.errors.values() for text in texts
        )
    return render(request, "profiles/cohort.html", context, status=status)


@require_GET
def cohort(request, cohort_id: int):
    return _cohort_page(request, _cohort(request, cohort_id))


@require_POST
def cohort_session(request, cohort_id: int):
    cohort_access = _cohort(request, cohort_id, access.TAKE_PART)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            _session, refused = perform(
                request,
                lambda: services.log_session(
                    actor=request.user,
                    cohort_id=cohort_access.cohort.pk,
                    pair_id=form.cleaned_data["pair"],
                    held_on=form.cleaned_data["held_on"],
                    notes=form.cleaned_data["notes"],
                ),
                form=form,
            )
        except MentoringPair.DoesNotExist as error:
            raise Http404 from error
        if not refused:
            messages.success(request, _("Session logged."))
            return redirect("profiles:cohort", cohort_id=cohort_access.cohort.pk)
    return _cohort_page(request, cohort_access, posted=form, status=400)


@require_http_methods(["GET", "POST"])
def cohort_pairs(request, cohort_id: int):
    """Pair people in bulk: suggestions to tick, and a few rows to type pairs into."""
    cohort_access = _cohort(request, cohort_id, access.MANAGE)
    cohort = cohort_access.cohort
    rows = [f"pick-{n}" for n in range(selectors.SUGGESTED_PAIRS)]
    rows += [f"new-{n}" for n in range(NEW_PAIR_ROWS)]
    formset = CohortPairFormSet(request.POST if request.method == "POST" else None, rows=rows)
    error = None
    if request.method == "POST":
        pairs, error = perform(
            request,
            lambda: services.add_cohort_pairs(
                actor=request.user, cohort_id=cohort.pk, rows=formset.chosen()
            ),
            quiet=True,
        )
        if error is None:
            messages.success(
                request,
                ngettext(
                    "%(count)d pair added: both people are asked to accept.",
                    "%(count)d pairs added: both people of each are asked to accept.",
                    len(pairs),
                )
                % {"count": len(pairs)},
            )
            return redirect("profiles:cohort", cohort_id=cohort.pk)
    suggestions = selectors.suggest_cohort_pairs(viewer=request.user, cohort=cohort)
    return render(
        request,
        "profiles/cohort_pairs.html",
        {
            "cohort": cohort,
            "suggestions": _suggestion_rows(formset, suggestions),
            "new_rows": _typed_rows(formset),
            "error": error,
        },
        status=400 if error else 200,
    )


def _suggestion_rows(formset, suggestions) -> list[dict]:
    """The suggestions as the page draws them: ticked as the refused post had them (matched
    by the two people, not by position), else unticked."""
    ticked = set()
    if formset.is_bound:
        for name, form in zip(formset.rows, formset.forms, strict=True):
            data = getattr(form, "cleaned_data", {})
            if name.startswith("pick-") and data.get("add"):
                ticked.add((data.get("senior"), data.get("junior")))
    return [
        {
            "prefix": f"pick-{n}",
            "suggestion": s,
            "ticked": (str(s.senior.pk), str(s.junior.pk)) in ticked,
        }
        for n, s in enumerate(suggestions)
    ]


def _typed_rows(formset) -> list[dict]:
    """The rows to type pairs into, with what was typed (kept after a refusal)."""
    rows = []
    for index, name in enumerate(formset.rows):
        if name.startswith("new-"):
            form = formset.forms[index] if formset.is_bound else None
            values = {
                key: form[key].value() if form else "" for key in ("senior", "junior", "topic")
            }
            rows.append({"prefix": name, **{k: v or "" for k, v in values.items()}})
    return rows


@require_POST
def cohort_end(request, cohort_id: int):
    _cohort(request, cohort_id, access.MANAGE)
    _cohort_ended, refused = perform(
        request, lambda: services.end_cohort(actor=request.user, cohort_id=cohort_id)
    )
    if not refused:
        messages.success(
            request, _("The cohort has ended. Everyone who took part is asked to evaluate it.")
        )
    return redirect("profiles:cohort", cohort_id=cohort_id)


@require_http_methods(["GET", "POST"])
def cohort_evaluation(request, cohort_id: int):
    cohort_access = _cohort(request, cohort_id, access.TAKE_PART)
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _evaluation, refused = perform(
                request,
                lambda: services.submit_evaluation(
                    actor=request.user, cohort_id=cohort_access.cohort.pk, **form.cleaned_data
                ),
                form=form,
            )
            if not refused:
                messages.success(request, _("Thank you for your evaluation."))
                return redirect("profiles:cohort", cohort_id=cohort_access.cohort.pk)
        status = 400
    context = selectors.evaluation_page(user=request.user, access=cohort_access)
    context["form"] = form
    return render(request, "profiles/cohort_evaluation.html", context, status=status)
