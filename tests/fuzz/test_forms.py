"""Every HTML form of the project fuzzed through the page that posts it (issue 20, part 8).

FORMS maps each Form class to the address (or addresses) that post it and the person allowed
to: a Form added anywhere in the project's apps and missing here fails
test_every_form_is_fuzzed, so a new form cannot escape the fuzzer. A row form of a formset is
fuzzed in place on the page that posts it (Target.prefix); a form read only from a query
string (a filter, a page number, a search) is listed in GET_FORMS instead, and
test_query_fuzzed opens its page with drawn query strings (no 5xx); field-less base classes
of such filters are in BASES.

For each, hypothesis draws what a browser (or an attacker) could send: valid values
(hypothesis.extra.django.from_form), hostile ones field by field (NUL bytes, very long text,
regular-expression metacharacters, markup, text in number fields, odd choices, several values
for one field, a field left out), files that are not what they claim, and bodies that are not
UTF-8 at all. Each case is posted as the permitted person of the seeded organisation
(tests/sweep_seed.py), as multipart or urlencoded, rate limits off, and must:

- never answer 5xx;
- when refused (4xx, the form shown again with errors, or an error message and a redirect),
  leave the database exactly as it was: a fingerprint of every table's rows (Django's
  sessions aside) is taken before and after.

Every case runs in a savepoint that is rolled back, and the caches it may have filled are
emptied, so cases never build on each other. Bounded and derandomized for `make test`; run
longer with PLEIN_FUZZ_EXAMPLES and PLEIN_FUZZ_SEED (tests/fuzz/conftest.py, README
"Fuzzing"). Run with -s for the counts.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from allauth.account.fields import EmailField as AllauthEmailField
from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, ResolutionFailed
from hypothesis.extra.django import from_field, from_form, register_field_strategy

from intranet.governance.forms import ColleagueField
from tests.fuzz.conftest import budget, hypothesis_run, rolled_back
from tests.helpers import forget_caches

pytestmark = pytest.mark.django_db

EXAMPLES = budget(12)  # per address; ~30 addresses
# The project's own code: every Form subclass defined in these packages must be in FORMS.
PACKAGES = ("profiles", "forums", "knowledge", "processes", "gamification", "insights", "intranet")
# Modules that start a process or a server when imported; they define no forms.
NOT_IMPORTED = {"intranet.asgi", "intranet.wsgi", "intranet.launcher", "intranet.embedded"}
# Tables a refused post may still write: Django's session (the flash message of a refusal).
UNWATCHED_TABLES = {"django_session"}
MISSING = object()


# --- Who posts what where ------------------------------------------------------------------------


@dataclass
class Target:
    """One address that posts a form: who posts it (a key of `people`), the path, a post that
    is accepted (tried first: the view and its service are reached all the way, and a change
    that breaks the table shows), fields the view needs besides the form's (which button),
    keyword arguments of the form class, and valid values hypothesis cannot guess (the space
    to post in, the revision edited from), drawn besides the others.

    A row form (one row of a page's formset) is fuzzed in place: `prefix` names its row, its
    fields are posted as `<prefix>-<field>` (the sample too), and `also` brings the rest of the
    page. `headers` are sent with every post (an htmx request); `prepare` sets up, once, what
    the sample needs besides the seeded world (a person in another team, a grant)."""

    who: str
    path: Callable
    sample: Callable
    also: Callable = lambda w: {}
    form_kwargs: Callable = lambda w: {}
    hints: Callable = lambda w: {}
    prefix: Callable = lambda w: ""
    headers: Callable = lambda w: {}
    prepare: Callable = lambda w: None


def _open(world, key: str):
    return world.open_bundle.ids[key]


FORMS: dict[str, list[Target]] = {
    "profiles.forms.SignupForm": [
        Target(
            "anonymous",
            lambda w: "/accounts/signup/",
            sample=lambda w: {
                "first_name": "Noor",
                "last_name": "Peters",
                "email": "noor.peters@plein.example",
                "password1": "een-lang-wachtwoord-42",
                "password2": "een-lang-wachtwoord-42",
            },
        )
    ],
    "profiles.forms.LanguageForm": [
        Target("employee", lambda w: "/language/", sample=lambda w: {"language": "en", "next": "/"})
    ],
    "profiles.forms.InvitationForm": [
        Target(
            "admin", lambda w: "/people/invite/", sample=lambda w: {"email": "nieuw@extern.example"}
        )
    ],
    "profiles.forms.ProfileForm": [
        Target(
            "employee",
            lambda w: f"/people/{w.people['employee'].pk}/edit/",
            sample=lambda w: PROFILE,
        ),
        Target(
            "admin",
            lambda w: f"/people/{w.people['employee'].pk}/edit/",
            form_kwargs=lambda w: {"may_set_manager": True},
            sample=lambda w: {**PROFILE, "manager_email": w.insider.email},
        ),
    ],
    "profiles.forms.PhotoForm": [
        Target(
            "employee",
            lambda w: f"/people/{w.people['employee'].pk}/photo/",
            hints=lambda w: {"photo": st.builds(lambda: png_upload("ik.png"))},
            sample=lambda w: {"photo": png_upload("ik.png")},
        )
    ],
    "profiles.forms.MentoringOfferForm": [
        Target(
            "employee",
            lambda w: "/people/mentoring/",
            also=lambda w: {"action": "offer"},
            sample=lambda w: {"role": "mentor", "skill": "Python", "note": "Graag"},
        )
    ],
    "forums.forms.TopicForm": [
        Target(
            "insider", lambda w: f"/spaces/{w.open_space.slug}/forum/ask/", sample=lambda w: TOPIC
        ),
        Target(
            "insider",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/edit/",
            sample=lambda w: TOPIC,
        ),
    ],
    "forums.forms.AnswerForm": [
        Target(
            "helper",
            lambda w: f"/forum/topics/{_open(w, 'discussion_id')}/",
            sample=lambda w: {"body": "Zo doe je dat."},
        ),
        Target(
            "helper",
            lambda w: f"/forum/answers/{_open(w, 'answer_id')}/edit/",
            sample=lambda w: {"body": "Zo doe je dat, beter uitgelegd."},
        ),
    ],
    "knowledge.forms.ArticleForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/knowledge/new/",
            form_kwargs=lambda w: {"collections": _collections(w)},
            sample=lambda w: {**ARTICLE, "language": "nl", "collection": ""},
        ),
        Target(
            "insider",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/edit/",
            form_kwargs=lambda w: {"editing": True},
            hints=lambda w: {"base": st.just(_open(w, "number"))},
            sample=lambda w: {**ARTICLE, "base": str(_open(w, "number"))},
        ),
    ],
    "knowledge.forms.SuggestionForm": [
        Target(
            "reader",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/suggest/",
            hints=lambda w: {"base": st.just(_open(w, "number"))},
            sample=lambda w: {
                "title": "Handleiding, beter",
                "body": "Een betere tekst.",
                "note": "Stap 2 ontbrak.",
                "base": str(_open(w, "number")),
            },
        )
    ],
    "intranet.activity.forms.PostForm": [
        Target(
            "insider",
            lambda w: "/posts/new/",
            hints=lambda w: {"space": st.just(_open(w, "slug"))},
            sample=lambda w: {"space": _open(w, "slug"), "body": "Goedemorgen allemaal"},
        )
    ],
    "intranet.activity.forms.CommentForm": [
        Target(
            "helper", lambda w: f"/posts/{_open(w, 'post_id')}/", sample=lambda w: {"body": "Mooi!"}
        )
    ],
    "intranet.activity.forms.AnnouncementForm": [
        Target(
            "admin",
            lambda w: "/announcements/new/",
            hints=lambda w: {"expires_at": st.datetimes(_days(1), _days(60))},
            sample=lambda w: {
                "title": "Verhuizing",
                "body": "We verhuizen in mei.",
                "department": "",
                "expires_at": as_posted(_days(7)),
            },
        ),
        # A manager of a unit below the top: only that unit is offered (issue 22).
        Target(
            "insider",
            lambda w: "/announcements/new/",
            form_kwargs=lambda w: {"departments": _managed_unit(w), "everyone": False},
            hints=lambda w: {
                "expires_at": st.datetimes(_days(1), _days(60)),
                "department": st.sampled_from([_managed_unit(w)[0].pk, w.department.pk]),
            },
            sample=lambda w: {
                "title": "Planning",
                "body": "De nieuwe planning staat klaar.",
                "department": str(_managed_unit(w)[0].pk),
                "expires_at": as_posted(_days(7)),
            },
        ),
    ],
    # Who may announce for a department besides its manager (the employee manages the top).
    "intranet.activity.forms.DelegateForm": [
        Target(
            "employee",
            lambda w: f"/announcements/delegates/{w.department.pk}/",
            hints=lambda w: {"email": st.sampled_from([w.helper.email, w.people["guest"].email])},
            sample=lambda w: {"email": w.helper.email},
        )
    ],
    "intranet.activity.forms.RemoveDelegateForm": [
        Target(
            "employee",
            lambda w: f"/announcements/delegates/{w.department.pk}/remove/",
            prepare=lambda w: _delegate(w),
            hints=lambda w: {"user": st.just(w.people["reader"].pk)},
            sample=lambda w: {"user": str(w.people["reader"].pk)},
        )
    ],
    "intranet.activity.forms.PreferencesForm": [
        Target(
            "employee",
            lambda w: "/notifications/preferences/",
            form_kwargs=lambda w: {"current": _channels(w.people["employee"])},
            sample=lambda w: dict.fromkeys(_channels(w.people["employee"]), "email"),
        )
    ],
    "intranet.governance.forms.SpaceForm": [
        Target(
            "employee",
            lambda w: "/spaces/new/",
            sample=lambda w: {
                "kind": "team",
                "name": "Nieuw team",
                "description": "Waar we aan werken.",
                "visibility": "open",
                "closed_reason": "",
            },
        )
    ],
    "intranet.governance.forms.SpaceSettingsForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/settings/",
            form_kwargs=lambda w: {"allowed_modules": _modules(w)},
            sample=lambda w: {
                "name": "Plein open",
                "description": "Voor iedereen.",
                "visibility": "open",
                "closed_reason": "",
                "modules": _modules(w),
            },
        )
    ],
    "intranet.governance.forms.InviteForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/members/invite/",
            sample=lambda w: {"invitee": w.admin.email, "message": "Doe mee"},
        )
    ],
    "intranet.governance.forms.RequestForm": [
        Target(
            "employee",
            lambda w: f"/spaces/{w.bundles['private'].space.slug}/request/",
            sample=lambda w: {"message": "Mag ik erbij?"},
        )
    ],
    "intranet.governance.forms.RoleForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/members/{w.helper.pk}/role/",
            sample=lambda w: {"role": "moderator"},
        )
    ],
    "intranet.governance.forms.PersonForm": [
        Target(
            "admin",
            lambda w: "/governance/roles/",
            also=lambda w: {"user_id": str(w.people["employee"].pk)},
            sample=lambda w: {"role": "community_manager", "department": str(w.department.pk)},
        )
    ],
    "intranet.governance.forms.DepartmentForm": [
        Target(
            "admin",
            lambda w: "/organisation/departments/new/",
            sample=lambda w: {"name": "Inkoop", "parent": str(w.department.pk), "manager": ""},
        ),
        Target(
            "admin",
            lambda w: f"/organisation/departments/{w.department.pk}/",
            sample=lambda w: {
                "name": "Directie",
                "parent": "",
                "manager": str(w.people["employee"].pk),
            },
        ),
    ],
    "intranet.governance.forms.PilotForm": [
        Target(
            "admin",
            lambda w: "/governance/roll-out/",
            sample=lambda w: {"enabled": "on", "departments": [str(w.department.pk)]},
        )
    ],
    "intranet.governance.forms.MfaPolicyForm": [
        Target("admin", lambda w: "/governance/security/", sample=lambda w: {"required": "on"})
    ],
    "intranet.tokens.forms.TokenForm": [
        Target(
            "employee",
            lambda w: "/account/tokens/",
            sample=lambda w: {"name": "Script", "scopes": ["forums:read"], "days": "30"},
        )
    ],
    "intranet.tokens.forms.ServiceAccountForm": [
        Target(
            "admin",
            lambda w: "/governance/service-accounts/",
            sample=lambda w: {"name": "Servicedesk", "description": "Vragen uit TOPdesk"},
        )
    ],
    # --- Processes -------------------------------------------------------------------------------
    "processes.forms.NewBoardForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/boards/new/",
            also=lambda w: {"step-0-name": "Aanvraag", "step-1-name": "Bestellen"},
            sample=lambda w: {"name": "Inkoop", "description": "Bestellen"},
        )
    ],
    # Row forms: each step row is posted under its own prefix together with the page's other
    # fields, so a row is fuzzed in place on the pages that post it.
    "processes.forms.StepRowForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/boards/new/",
            prefix=lambda w: "step-1",
            also=lambda w: {"name": "Inkoop", "step-0-name": "Aanvraag"},
            hints=lambda w: {"department": st.just(w.department.pk)},
            sample=lambda w: {"name": "Bestellen", "department": str(w.department.pk), "wip": "3"},
        ),
        Target(
            "insider",
            lambda w: f"/boards/{_open(w, 'board_id')}/settings/",
            prefix=lambda w: "new-0",
            also=lambda w: _board_settings(w),
            hints=lambda w: {"department": st.just(w.department.pk)},
            sample=lambda w: {"name": "Controle", "wip": "2", "position": "3"},
        ),
    ],
    "processes.forms.ShareForm": [
        Target(
            "insider",
            lambda w: f"/boards/{_open(w, 'board_id')}/settings/",
            form_kwargs=lambda w: {"candidates": _share_candidates(w)},
            also=lambda w: _board_settings(w, share=False),
            sample=lambda w: {"share": [str(s.pk) for s in _share_candidates(w)]},
        )
    ],
    "processes.forms.NewCardForm": [
        Target(
            "insider",
            lambda w: f"/boards/{_open(w, 'board_id')}/cards/new/",
            form_kwargs=lambda w: {"board": _board(w)},
            hints=lambda w: {"owner": st.just(w.helper.email)},
            sample=lambda w: {
                "title": "Order 7",
                "labels": "spoed",
                "step": str(_open(w, "step_id")),
                "owner": w.helper.email,
                "due_date": as_posted(_days(14).date()),
            },
        )
    ],
    "processes.forms.CardForm": [
        Target(
            "insider",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/edit/",
            hints=lambda w: {"owner": st.just(w.helper.email)},
            sample=lambda w: {
                "title": "Order 8",
                "description": "Met korting",
                "owner": w.helper.email,
                "due_date": as_posted(_days(30).date()),
                "labels": "spoed, klant",
            },
        )
    ],
    "processes.forms.MoveForm": [
        Target(
            "helper",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/move/",
            hints=lambda w: {
                "to_step": st.sampled_from([s.pk for s in _steps(w)]),
                "from_step": st.just(_card(w).step_id),
            },
            sample=lambda w: {
                "to_step": str(_open(w, "step_id")),
                "from_step": str(_card(w).step_id),
                "back": "card",
            },
        )
    ],
    "processes.forms.ChecklistForm": [
        Target(
            "insider",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/checklist/",
            hints=lambda w: {"item": st.sampled_from(_check_items(w))},
            sample=lambda w: {"action": "add", "text": "Nog een punt"},
        )
    ],
    "processes.forms.SwitchForm": [
        Target(
            "helper",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/watch/",
            sample=lambda w: {"on": "1"},
        ),
        Target(
            "insider",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/archive/",
            sample=lambda w: {"on": "1"},
        ),
    ],
    "processes.forms.UploadForm": [
        Target(
            "insider",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/files/",
            hints=lambda w: {"file": st.builds(lambda: png_upload("bon.png"))},
            sample=lambda w: {"file": png_upload("bon.png")},
        )
    ],
    "processes.forms.CommentForm": [
        Target(
            "helper",
            lambda w: f"/boards/cards/{_open(w, 'card_id')}/comment/",
            sample=lambda w: {"body": "Klant belt morgen"},
        ),
        Target(
            "insider",
            lambda w: f"/boards/pain-points/{_open(w, 'pain_id')}/comment/",
            sample=lambda w: {"body": "Herkenbaar"},
        ),
    ],
    "processes.forms.PainForm": [
        Target(
            "helper",
            lambda w: f"/boards/{_open(w, 'board_id')}/pain-points/new/",
            form_kwargs=lambda w: {"board": _board(w)},
            hints=lambda w: {
                "frequency": st.sampled_from(["daily", "weekly", "monthly", "rarely"]),
                "impact": st.sampled_from(["low", "high"]),
            },
            sample=lambda w: {
                "step": str(_open(w, "step_id")),
                "what": "Dubbel invoeren",
                "frequency": "daily",
                "impact": "low",
            },
        )
    ],
    "processes.forms.PainStatusForm": [
        Target(
            "insider",
            lambda w: f"/boards/pain-points/{_open(w, 'pain_id')}/status/",
            hints=lambda w: {"status": st.sampled_from(["open", "acknowledged", "solving"])},
            sample=lambda w: {"status": "solving"},
        )
    ],
    "processes.forms.ExceptionForm": [
        Target(
            "helper",
            lambda w: f"/boards/{_open(w, 'board_id')}/exceptions/",
            form_kwargs=lambda w: {"board": _board(w)},
            hints=lambda w: {"category": st.just("customer_wish")},
            sample=lambda w: {
                "category": "customer_wish",
                "text": "Klant wil in termijnen betalen",
                "step": str(_open(w, "step_id")),
            },
        )
    ],
    "processes.forms.RegroupForm": [
        Target(
            "insider",
            lambda w: f"/boards/{_open(w, 'board_id')}/exceptions/regroup/",
            hints=lambda w: {
                "action": st.sampled_from(["split", "confirm"]),
                "report": st.just(_open(w, "report_id")),
                "group": st.just(_report_group(w)),
            },
            sample=lambda w: {"action": "split", "report": str(_open(w, "report_id"))},
        )
    ],
    "processes.forms.SignalPolicyForm": [
        Target(
            "admin",
            lambda w: "/signals/settings/",
            sample=lambda w: {
                "min_reports": "5",
                "min_people": "3",
                "window_days": "90",
                "response_days": "14",
                "similarity": "0.4",
            },
        )
    ],
    # --- Gamification ----------------------------------------------------------------------------
    "gamification.forms.PrivacyForm": [
        Target("employee", lambda w: "/recognition/me/privacy/", sample=lambda w: {"visible": "0"})
    ],
    "gamification.forms.RuleRowForm": [  # one row of the rules page, the others as they are
        Target(
            "admin",
            lambda w: "/points/rules/",
            prefix=lambda w: f"rule-{_rules(w)[0].pk}",
            also=lambda w: _rule_rows(_rules(w)[1:]),
            sample=lambda w: {"points": "3", "cap": "10", "pair": "5", "active": "1"},
        )
    ],
    "gamification.forms.GameSettingsForm": [
        Target(
            "admin",
            lambda w: "/points/settings/",
            sample=lambda w: {"points_on": "1", "leaderboards_on": "1", "visible_by_default": "1"},
        )
    ],
    "gamification.forms.BadgeForm": [
        Target(
            "admin",
            lambda w: "/recognition/badges/new/",
            hints=lambda w: {"deed": st.just("answer_posted"), "space": st.just(w.open_space.pk)},
            sample=lambda w: {
                "name": "Night owl",
                "name_nl": "Nachtuil",
                "description": "Answers at night",
                "description_nl": "Antwoordt 's nachts",
                "deed": "answer_posted",
                "bronze": "1",
                "silver": "5",
                "gold": "10",
                "active": "1",
            },
        ),
        Target(
            "admin",
            lambda w: f"/recognition/badges/{_open(w, 'badge_id')}/edit/",
            hints=lambda w: {"deed": st.just("answer_posted")},
            sample=lambda w: {
                "name": "Helper",
                "name_nl": "Helper",
                "deed": "answer_posted",
                "bronze": "2",
                "space": str(w.open_space.pk),
                "active": "1",
            },
        ),
    ],
    "gamification.forms.StoryForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/stories/new/",
            hints=lambda w: {
                "people": st.lists(st.sampled_from([w.helper.pk, w.people["employee"].pk])),
                "teams": st.lists(st.just(w.department.pk), max_size=1),
                "images": st.builds(lambda: png_upload("team.png")),
            },
            sample=lambda w: {
                "title": "Succes",
                "challenge": "Uitdaging",
                "approach": "Aanpak",
                "result": "Resultaat",
                "people": [str(w.helper.pk)],
                "teams": [str(w.department.pk)],
                "images": png_upload("team.png"),
                "alt": "Het team",
            },
        )
    ],
    "gamification.forms.ReuseForm": [  # someone of another team than the story's
        Target(
            "reader",
            lambda w: f"/stories/{_open(w, 'story_id')}/reuse/",
            prepare=lambda w: _reader_in_other_team(w),
            hints=lambda w: {"kind": st.sampled_from(_reuse_kinds())},
            sample=lambda w: {"kind": _reuse_kinds()[0], "note": "Drie leads"},
        )
    ],
    "gamification.forms.FeatureForm": [
        Target(
            "admin",
            lambda w: f"/stories/{_open(w, 'story_id')}/feature/",
            sample=lambda w: {"featured": "1"},
        )
    ],
    "gamification.forms.AppointForm": [
        Target(
            "admin",
            lambda w: "/ambassadors/appoint/",
            hints=lambda w: {"user": st.just(w.people["employee"].pk)},
            sample=lambda w: {
                "user": str(w.people["employee"].pk),
                "department": str(w.department.pk),
                "action": "appoint",
            },
        )
    ],
    "gamification.forms.ChallengeForm": [
        Target(
            "admin",
            lambda w: "/recognition/challenges/",
            hints=lambda w: {
                "step_deed": st.lists(st.sampled_from(["question_asked", "answer_posted"])),
                "step_count": st.lists(st.integers(1, 5)),
            },
            sample=lambda w: {
                "title": "Welkom",
                "description": "Stel je eerste vraag",
                "starts_on": as_posted(_days(1).date()),
                "ends_on": as_posted(_days(30).date()),
                "step_deed": ["question_asked"],
                "step_count": ["1"],
            },
        )
    ],
    # Informal leaders get room, with consent (issue 22): invitations from the people view, the
    # invited person's answer, the ambassadors' log and the hours granted.
    "gamification.forms.InviteLeaderForm": [
        Target(
            "admin",
            lambda w: _invite_path(w) + "?measure=leaders&window=90",
            prepare=lambda w: _invite_ready(w),
            hints=lambda w: {"kind": st.sampled_from(["ambassador", "mentoring"])},
            sample=lambda w: {
                "kind": "mentoring",
                "reason": "Je helpt nieuwe collega's altijd geduldig op weg met Plein.",
            },
        )
    ],
    "gamification.forms.AnswerInvitationForm": [
        Target(
            "insider",
            lambda w: f"/invitations/{w.neutral_ids['invitation_id']}/",
            hints=lambda w: {"action": st.sampled_from(["accept", "decline"])},
            sample=lambda w: {"action": "decline"},
        )
    ],
    "gamification.forms.HoursGrantedForm": [
        Target(
            "admin",
            lambda w: "/ambassadors/hours/",
            hints=lambda w: {"user": st.just(w.insider.pk)},
            sample=lambda w: {"user": str(w.insider.pk), "hours": "6"},
        )
    ],
    "gamification.forms.AmbassadorLogForm": [
        Target(
            "insider",
            lambda w: "/ambassadors/log/",
            hints=lambda w: {
                "kind": st.sampled_from(["session", "team_helped"]),
                "department": st.just(w.department.pk),
            },
            sample=lambda w: {
                "kind": "team_helped",
                "date": as_posted(_today()),
                "hours": "1.5",
                "department": str(w.department.pk),
                "note": "Intro Plein voor het team",
            },
        )
    ],
    # --- Insights --------------------------------------------------------------------------------
    "insights.forms.PeopleLookForm": [  # the look itself is a POST (audited)
        Target(
            "admin",
            lambda w: "/insights/people/",
            prepare=lambda w: _person_level_for(w, w.admin),
            sample=lambda w: {"window": "90", "measure": "leaders"},
        )
    ],
    "insights.forms.OptOutForm": [
        Target("employee", lambda w: "/insights/me/", sample=lambda w: {"out": "1"})
    ],
    # Which of the settings page's two forms is sent: fuzzed with the other form's fields.
    "insights.forms.WhichForm": [
        Target(
            "admin",
            lambda w: "/insights/settings/",
            also=lambda w: {**INSIGHT_SETTINGS, **_thresholds()},
            sample=lambda w: {"form": "settings"},
        )
    ],
    "insights.forms.SettingsForm": [
        Target(
            "admin",
            lambda w: "/insights/settings/",
            also=lambda w: {"form": "settings"},
            sample=lambda w: INSIGHT_SETTINGS,
        )
    ],
    "insights.forms.ThresholdsForm": [
        Target(
            "admin",
            lambda w: "/insights/settings/",
            also=lambda w: {"form": "thresholds"},
            sample=lambda w: _thresholds(),
        )
    ],
    "insights.forms.GrantForm": [
        Target(
            "admin",
            lambda w: "/insights/settings/grant/",
            hints=lambda w: {"user": st.just(w.people["employee"].pk)},
            sample=lambda w: {"user": str(w.people["employee"].pk)},
        )
    ],
    # --- Profiles --------------------------------------------------------------------------------
    "profiles.forms.PhotoUploadForm": [
        Target(
            "employee",
            lambda w: f"/people/{w.people['employee'].pk}/photo/",
            hints=lambda w: {
                "photo": st.builds(lambda: png_upload("ik.png")),
                "action": st.sampled_from(["", "remove"]),
            },
            sample=lambda w: {"photo": png_upload("ik.png")},
        )
    ],
    # The profile form's live check (htmx): checks, never saves.
    "profiles.forms.ValidateOnlyForm": [
        Target(
            "employee",
            lambda w: f"/people/{w.people['employee'].pk}/edit/",
            also=lambda w: PROFILE,
            headers=lambda w: {"HX-Request": "true"},
            sample=lambda w: {"_validate": "1"},
        )
    ],
    "profiles.forms.EndorseForm": [
        Target(
            "helper",
            lambda w: f"/people/{w.people['employee'].pk}/endorse/",
            prepare=lambda w: _skilled(w.people["employee"], "python"),
            hints=lambda w: {
                "skill": st.just("python"),
                "action": st.sampled_from(["", "withdraw"]),
            },
            sample=lambda w: {"skill": "python"},
        )
    ],
    # The mentoring page's buttons; the offer form's fields come along.
    "profiles.forms.MentoringActionForm": [
        Target(
            "employee",
            lambda w: "/people/mentoring/",
            also=lambda w: {"role": "mentor", "skill": "Python", "note": "Graag"},
            sample=lambda w: {"action": "offer"},
        )
    ],
    # Reverse-mentoring cohorts (tests/sweep_seed.py `_cohorts`: the administrator organises,
    # the insider and the helper are a pair).
    "profiles.forms.CohortForm": [
        Target(
            "admin",
            lambda w: "/people/cohorts/new/",
            form_kwargs=lambda w: {"departments": _departments(), "everyone": True},
            hints=lambda w: {"department": st.just(w.department.pk)},
            sample=lambda w: {
                "name": "Digitaal samen",
                "goals": "Leidinggevenden leren Teams van nieuwe collega's",
                "themes": "Teams, AI",
                "starts_on": _today().isoformat(),
                "ends_on": (_today() + datetime.timedelta(days=60)).isoformat(),
                "department": "",
            },
        )
    ],
    "profiles.forms.CohortPairRowForm": [  # a typed-in row of the bulk pairing page
        Target(
            "admin",
            lambda w: f"/people/cohorts/{w.cohorts['running']}/pairs/",
            prefix=lambda w: "new-0",
            hints=lambda w: {
                "senior": st.just(w.people["employee"].email),
                "junior": st.just(w.people["reader"].email),
            },
            sample=lambda w: {
                "senior": w.people["employee"].email,
                "junior": w.people["reader"].email,
                "topic": "Teams",
            },
        )
    ],
    "profiles.forms.SessionForm": [
        Target(
            "insider",
            lambda w: f"/people/cohorts/{w.cohorts['running']}/sessions/",
            hints=lambda w: {"pair": st.just(w.cohorts["running_pair"])},
            sample=lambda w: {
                "pair": str(w.cohorts["running_pair"]),
                "held_on": _today().isoformat(),
                "notes": "Samen Teams-kanalen ingericht",
            },
        )
    ],
    "profiles.forms.EvaluationForm": [
        Target(
            "insider",
            lambda w: f"/people/cohorts/{w.cohorts['ended']}/evaluation/",
            sample=lambda w: {"rating": "4", "what_learned": "Veel", "would_recommend": "on"},
        )
    ],
    # --- Activity --------------------------------------------------------------------------------
    "intranet.activity.forms.ReactionForm": [
        Target(
            "employee",
            lambda w: f"/posts/{_open(w, 'post_id')}/react/",
            hints=lambda w: {"kind": st.sampled_from(["like", "helpful", "celebrate"])},
            sample=lambda w: {"kind": "like"},
        )
    ],
    "intranet.activity.forms.FollowForm": [
        Target(
            "helper",
            lambda w: f"/people/{w.insider.pk}/follow/",
            hints=lambda w: {"action": st.sampled_from(["follow", "unfollow"])},
            sample=lambda w: {"action": "follow"},
        )
    ],
    "intranet.activity.forms.MarkReadForm": [
        Target(
            "insider",
            lambda w: "/notifications/",
            hints=lambda w: {"notification": st.sampled_from(["all", str(_own_notice(w))])},
            sample=lambda w: {"notification": "all"},
        )
    ],
    # --- Digests ---------------------------------------------------------------------------------
    "intranet.digests.forms.DigestPreferencesForm": [
        Target(
            "employee",
            lambda w: "/digests/preferences/",
            hints=lambda w: {
                "frequency": st.sampled_from(["off", "daily", "weekly"]),
                "weekday": st.integers(0, 6),
                "hour": st.integers(0, 23),
                "time_zone": st.sampled_from(["Europe/Amsterdam", "UTC"]),
            },
            sample=lambda w: {
                "frequency": "weekly",
                "weekday": "0",
                "hour": "8",
                "time_zone": "Europe/Amsterdam",
            },
        )
    ],
    "intranet.digests.forms.PreviewForm": [
        Target(
            "admin",
            lambda w: "/digests/admin/",
            hints=lambda w: {"preview": st.just(w.people["employee"].email)},
            sample=lambda w: {"preview": w.people["employee"].email},
        )
    ],
    # --- Governance ------------------------------------------------------------------------------
    "intranet.governance.forms.DecisionForm": [
        Target(
            "insider",
            lambda w: f"/spaces/requests/{w.bundles['private'].ids['request_id']}/",
            hints=lambda w: {"decision": st.sampled_from(["accept", "decline"])},
            sample=lambda w: {"decision": "accept"},
        )
    ],
    # The settings page's three parts: which one is sent, the image, the permission grid.
    "intranet.governance.forms.SectionForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/settings/",
            also=lambda w: {**_space_settings(w), **_matrix_post(_space_matrix(w))},
            sample=lambda w: {"section": "general"},
        )
    ],
    "intranet.governance.forms.SpaceImageForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/settings/",
            also=lambda w: {"section": "image"},
            hints=lambda w: {"image": st.builds(lambda: png_upload("plein.png"))},
            sample=lambda w: {"image": png_upload("plein.png")},
        )
    ],
    "intranet.governance.forms.MatrixForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/settings/",
            also=lambda w: {"section": "matrix"},
            sample=lambda w: _matrix_post(_space_matrix(w)),
        )
    ],
    "intranet.governance.forms.DefaultsForm": [
        Target(
            "admin",
            lambda w: "/governance/defaults/team/",
            hints=lambda w: {"modules": st.lists(st.sampled_from(_all_modules()))},
            sample=lambda w: {**_matrix_post(_kind_matrix("team")), "modules": _all_modules()},
        )
    ],
    # --- Moderation ------------------------------------------------------------------------------
    "intranet.moderation.forms.TargetForm": [
        Target(  # the reports on the secret space's answer, by its owner
            "insider",
            lambda w: "/moderation/dismiss/",
            hints=lambda w: {"kind": st.just("forums.answer")},
            sample=lambda w: {
                "kind": "forums.answer",
                "object_id": str(w.bundles["secret"].ids["answer_id"]),
            },
        ),
        Target(  # one's own answer deleted
            "helper",
            lambda w: "/moderation/delete/",
            hints=lambda w: {"kind": st.just("forums.answer")},
            sample=lambda w: {"kind": "forums.answer", "object_id": str(_open(w, "answer_id"))},
        ),
    ],
    "intranet.moderation.forms.ReportForm": [
        Target(
            "employee",
            lambda w: "/moderation/report/",
            hints=lambda w: {
                "kind": st.just("forums.answer"),
                "object_id": st.just(_open(w, "answer_id")),
                "reason": st.just("privacy"),
            },
            sample=lambda w: {
                "kind": "forums.answer",
                "object_id": str(_open(w, "answer_id")),
                "reason": "privacy",
                "note": "Er staat een telefoonnummer in",
            },
        )
    ],
    "intranet.moderation.forms.ReasonForm": [
        Target(
            "insider",
            lambda w: "/moderation/hide/",
            hints=lambda w: {
                "kind": st.just("forums.answer"),
                "object_id": st.just(_open(w, "answer_id")),
            },
            sample=lambda w: {
                "kind": "forums.answer",
                "object_id": str(_open(w, "answer_id")),
                "reason": "Hoort hier niet",
            },
        )
    ],
    # --- Webhooks --------------------------------------------------------------------------------
    # --- Signals from the floor and the idea box -------------------------------------------------
    "intranet.signals.forms.RaiseForm": [
        Target(
            "insider",
            lambda w: "/follow-up/raise/",
            sample=lambda w: {"source": "topic", "object_id": str(_open(w, "topic_id"))},
        )
    ],
    "intranet.signals.forms.SupportForm": [
        Target(
            "employee",
            lambda w: f"/follow-up/{_open(w, 'followup_id')}/support/",
            sample=lambda w: {"action": "support"},
        ),
        Target(
            "employee",
            lambda w: f"/ideas/{_open(w, 'idea_id')}/support/",
            sample=lambda w: {"action": "support"},
        ),
    ],
    "intranet.signals.forms.AnswerForm": [
        Target(
            "admin",
            lambda w: f"/follow-up/{_open(w, 'followup_id')}/",
            sample=lambda w: {"status": "review", "response": "We zoeken het uit."},
        ),
        # A signal from recurring exceptions, by its owner (the top department's manager).
        Target(
            "employee",
            lambda w: f"/follow-up/{_open(w, 'signal_id')}/",
            hints=lambda w: {"status": st.sampled_from(["review", "experiment", "declined"])},
            sample=lambda w: {"status": "review", "response": "We kijken ernaar, dank"},
        ),
    ],
    "intranet.signals.forms.AssignForm": [
        Target(
            "admin",
            lambda w: f"/follow-up/{_open(w, 'followup_id')}/assign/",
            sample=lambda w: {
                "owner_email": "",
                "due_on": (datetime.date.today() + datetime.timedelta(days=5)).isoformat(),
            },
        )
    ],
    "intranet.signals.forms.PolicyForm": [
        Target(
            "admin",
            lambda w: "/follow-up/settings/",
            sample=lambda w: {"response_days": "10", "support_threshold": "8"},
        )
    ],
    "intranet.signals.forms.IdeaForm": [
        Target(
            "employee",
            lambda w: f"/spaces/{w.open_space.slug}/ideas/",
            sample=lambda w: {
                "kind": "idea",
                "title": "Overdekte fietsenstalling",
                "body": "Graag",
            },
        )
    ],
    "intranet.webhooks.forms.SubscriptionForm": [
        Target(
            "admin",
            lambda w: "/governance/webhooks/",
            form_kwargs=lambda w: {"user": w.admin},
            hints=lambda w: {"url": st.just("https://ontvanger.example/plein")},
            sample=lambda w: {
                "name": "Teams kanaal Financiën",
                "space": "",
                "url": "https://ontvanger.example/plein",
                "format": "generic",
                "kinds": [_event_kinds()[0]],
            },
        )
    ],
    # --- Forums: the topic page's buttons ---------------------------------------------------------
    "forums.forms.VoteForm": [
        Target(
            "employee",
            lambda w: f"/forum/answers/{_open(w, 'answer_id')}/vote/",
            sample=lambda w: {"value": "1"},
        )
    ],
    "forums.forms.AcceptForm": [
        Target(
            "insider",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/accept/",
            hints=lambda w: {"answer": st.just(_open(w, "answer_id"))},
            sample=lambda w: {"answer": str(_open(w, "answer_id"))},
        )
    ],
    "forums.forms.RequestAnswerForm": [
        Target(
            "insider",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/request/",
            hints=lambda w: {"person": st.just(w.people["employee"].pk)},
            sample=lambda w: {"person": str(w.people["employee"].pk)},
        )
    ],
    "forums.forms.FollowForm": [
        Target(
            "employee",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/follow/",
            hints=lambda w: {"action": st.sampled_from(["follow", "unfollow"])},
            sample=lambda w: {"action": "follow"},
        ),
        Target(
            "employee",
            lambda w: "/forum/tags/openbaar/follow/",
            hints=lambda w: {"action": st.sampled_from(["follow", "unfollow"])},
            sample=lambda w: {"action": "follow"},
        ),
    ],
    "forums.forms.CommentForm": [
        Target(
            "helper",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/comment/",
            hints=lambda w: {"answer": st.just(_open(w, "answer_id"))},
            sample=lambda w: {"answer": str(_open(w, "answer_id")), "body": "Goed punt"},
        )
    ],
    "forums.forms.ModerateForm": [
        Target(
            "insider",
            lambda w: f"/forum/topics/{_open(w, 'topic_id')}/moderate/",
            hints=lambda w: {
                "space": st.just(w.open_space.slug),
                "into": st.just(str(_open(w, "discussion_id"))),
            },
            sample=lambda w: {"action": "pin"},
        )
    ],
    # --- Knowledge: the article page's buttons ---------------------------------------------------
    "knowledge.forms.CollectionForm": [
        Target(
            "insider",
            lambda w: f"/spaces/{w.open_space.slug}/knowledge/collections/new/",
            hints=lambda w: {"parent": st.just(_open(w, "collection_id"))},
            sample=lambda w: {"name": "Reizen", "parent": str(_open(w, "collection_id"))},
        )
    ],
    "knowledge.forms.DecisionForm": [
        Target(
            "insider",
            lambda w: f"/knowledge/suggestions/{_open(w, 'suggestion_id')}/decide/",
            sample=lambda w: {"decision": "accept"},
        )
    ],
    "knowledge.forms.RestoreForm": [
        Target(
            "insider",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/restore/",
            hints=lambda w: {"number": st.integers(1, _open(w, "number"))},
            sample=lambda w: {"number": "1"},
        )
    ],
    "knowledge.forms.OutdatedForm": [
        Target(
            "helper",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/outdated/",
            sample=lambda w: {"reason": "Het portaal is vervangen."},
        )
    ],
    "knowledge.forms.HelpfulForm": [
        Target(
            "helper",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/helpful/",
            sample=lambda w: {"helpful": "yes"},
        )
    ],
    "knowledge.forms.FromAnswerForm": [
        Target(
            "insider",
            lambda w: f"/knowledge/from-answer/{_open(w, 'answer_id')}/",
            hints=lambda w: {"space": st.just(w.open_space.slug)},
            sample=lambda w: {"space": w.open_space.slug},
        )
    ],
    "knowledge.forms.CoOwnersForm": [
        Target(
            "insider",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/co-owners/",
            sample=lambda w: {"emails": w.helper.email},
        )
    ],
    "knowledge.forms.UploadForm": [
        Target(
            "insider",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/files/",
            hints=lambda w: {"file": st.builds(lambda: png_upload("schema.png"))},
            sample=lambda w: {"file": png_upload("schema.png")},
        )
    ],
}


# --- Forms that are never posted -----------------------------------------------------------------


@dataclass
class Page:
    """A page that reads a form from its address (a filter, a page number, a search): who
    opens it, the path, and valid values hypothesis cannot guess, drawn besides the others."""

    who: str
    path: Callable
    hints: Callable = lambda w: {}
    query: Callable = lambda w: {}  # what the page needs to open at all (checked first)


# Forms read from a query string only: no post to fuzz, and never refused (a value that does
# not fit is the field's default, or the page answers 404). test_query_fuzzed opens each page
# with drawn query strings (valid, hostile, missing) and wants no 5xx.
GET_FORMS: dict[str, list[Page]] = {
    "processes.forms.PainFilterForm": [
        Page("helper", lambda w: f"/boards/{_open(w, 'board_id')}/pain-points/")
    ],
    "intranet.signals.forms.FollowUpFilterForm": [Page("employee", lambda w: "/follow-up/")],
    "gamification.forms.DepartmentFilterForm": [
        Page("employee", lambda w: "/stories/", hints=lambda w: _department_hint(w))
    ],
    "gamification.forms.LeaderboardFilterForm": [
        Page(
            "employee",
            lambda w: "/recognition/",
            hints=lambda w: {**_department_hint(w), "space": st.just(w.open_space.slug)},
        )
    ],
    "gamification.forms.PeopleViewForm": [
        Page(
            "admin",
            lambda w: _invite_path(w, prepare=True),
            hints=lambda w: {
                "measure": st.sampled_from(["leaders", "brokers", "gossip"]),
                "window": st.sampled_from(["30", "90", "365", "7"]),
            },
            query=lambda w: {"measure": "leaders", "window": "90"},
        )
    ],
    "insights.forms.ExportFilterForm": [
        Page("admin", lambda w: "/insights/adoption/", hints=lambda w: _export_hint()),
        Page("admin", lambda w: "/insights/follow-up/", hints=lambda w: _export_hint()),
    ],
    "insights.forms.NetworkFilterForm": [
        Page("admin", lambda w: "/insights/", hints=lambda w: _export_hint())
    ],
    "insights.forms.ValueFilterForm": [
        Page(
            "admin",
            lambda w: "/insights/value/",
            hints=lambda w: {
                "export": st.sampled_from(["", "csv", "svg", "svg_total"]),
                "months": st.sampled_from(["6", "12", "24", "999", "abc"]),
            },
        )
    ],
    "profiles.forms.DirectoryForm": [
        Page(
            "employee",
            lambda w: "/people/",
            hints=lambda w: {"department": st.just(w.department.pk), "skill": st.just("python")},
        )
    ],
    "profiles.forms.FeedForm": [Page("employee", lambda w: f"/people/{w.insider.pk}/")],
    "profiles.forms.SkillTypedForm": [Page("employee", lambda w: "/people/skills/")],
    "profiles.forms.ExpertiseForm": [
        Page("employee", lambda w: "/people/expertise/", hints=lambda w: {"topic": st.just("btw")})
    ],
    "intranet.activity.forms.FeedPageForm": [
        Page(
            "employee",
            lambda w: "/feed/more/",
            hints=lambda w: _feed_hint(w),
            query=lambda w: {"feed": "home"},
        ),
        Page("employee", lambda w: "/", hints=lambda w: _feed_hint(w)),
        Page("employee", lambda w: f"/spaces/{w.open_space.slug}/", hints=lambda w: _feed_hint(w)),
    ],
    "intranet.digests.forms.MessagePartForm": [
        Page("admin", lambda w: f"/digests/outbox/{w.bundles['secret'].ids['message_id']}/")
    ],
    "intranet.governance.forms.PageForm": [
        Page("employee", lambda w: f"/spaces/{w.open_space.slug}/members/"),
        Page("insider", lambda w: "/notifications/"),
        Page("employee", lambda w: f"/announcements/from/{w.people['employee'].pk}/"),
    ],
    "intranet.governance.forms.DirectoryFilterForm": [Page("employee", lambda w: "/spaces/")],
    "intranet.governance.forms.PeopleFilterForm": [Page("admin", lambda w: "/governance/roles/")],
    "intranet.governance.forms.AuditFilterForm": [Page("admin", lambda w: "/governance/audit/")],
    "intranet.moderation.forms.ShownForm": [
        Page(
            "employee",
            lambda w: "/moderation/report/",
            hints=lambda w: {
                "kind": st.just("forums.answer"),
                "object_id": st.just(_open(w, "answer_id")),
            },
            query=lambda w: {"kind": "forums.answer", "object_id": _open(w, "answer_id")},
        )
    ],
    "intranet.search.forms.SearchForm": [Page("employee", lambda w: "/search/")],
    "intranet.webhooks.forms.SpaceFilterForm": [
        Page("admin", lambda w: "/governance/webhooks/", hints=lambda w: _space_hint(w))
    ],
    "forums.forms.TopicListForm": [
        Page("employee", lambda w: f"/spaces/{w.open_space.slug}/forum/")
    ],
    "forums.forms.SimilarForm": [Page("employee", lambda w: "/forum/similar/")],
    "forums.forms.SearchForm": [
        Page("employee", lambda w: "/forum/search/", hints=lambda w: _space_hint(w))
    ],
    "knowledge.forms.ArticleListForm": [
        Page(
            "employee",
            lambda w: f"/spaces/{w.open_space.slug}/knowledge/",
            hints=lambda w: {"collection": st.just(_open(w, "collection_id"))},
        )
    ],
    "knowledge.forms.CompareForm": [
        Page(
            "employee",
            lambda w: f"/knowledge/{_open(w, 'article_id')}/compare/",
            hints=lambda w: {"old": st.just(1), "new": st.just(_open(w, "number"))},
            query=lambda w: {"old": 1, "new": _open(w, "number")},
        )
    ],
    "knowledge.forms.SearchForm": [
        Page(
            "employee",
            lambda w: "/knowledge/search/",
            hints=lambda w: {**_space_hint(w), "collection": st.just(_open(w, "collection_id"))},
        )
    ],
}
# Forms without fields of their own that pages use only through their subclasses (each one
# registered above): the classes that give filters their "never refused" reading.
BASES = {
    "insights.forms.FilterForm",
    "profiles.forms.FilterForm",
    "intranet.governance.forms.FilterForm",
}


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _departments() -> list:
    from intranet.governance.models import Department

    return list(Department.objects.order_by("name"))


def _department_hint(world) -> dict:
    return {"department": st.just(world.department.pk)}


def _export_hint() -> dict:
    return {"export": st.sampled_from(["", "csv", "svg"])}


def _feed_hint(world) -> dict:
    return {
        "feed": st.sampled_from(
            ["home", "bell", f"space:{world.open_space.pk}", f"person:{world.insider.pk}"]
        )
    }


def _space_hint(world) -> dict:
    return {"space": st.just(world.open_space.slug)}


PROFILE = {
    "first_name": "Eric",
    "last_name": "Buiten",
    "job_title": "Inkoper",
    "location": "Utrecht",
    "location_visibility": "colleagues",
    "phone": "+31 30 123 4567",
    "phone_visibility": "colleagues",
    "languages": "Nederlands, Engels",
    "skills": "Python, btw",
    "bio": "Ik **help** graag.",
}
TOPIC = {
    "kind": "question",
    "title": "Hoe boek ik een reis?",
    "body": "Wie weet hoe dat werkt?",
    "tags": "reizen, boeken",
    "language": "nl",
}
INSIGHT_SETTINGS = {
    "min_group": "5",
    "purpose": "Zien wie collega's verbindt, om nieuwkomers te helpen.",
}
ARTICLE = {
    "title": "Handleiding reizen",
    "body": "## Stap 1\n\nBoek via het portaal.",
    "tags": "reizen",
    "summary": "Eerste versie",
}


def _days(n: int) -> datetime.datetime:
    return datetime.datetime.now().replace(microsecond=0) + datetime.timedelta(days=n)


def png_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _real_png(), content_type="image/png")


def _collections(world) -> list:
    from knowledge.models import Collection

    return list(Collection.objects.filter(space=world.open_space).order_by("pk"))


def _channels(user) -> dict:
    from intranet.activity import selectors

    return selectors.notification_channels(user=user)


def _modules(world) -> list[str]:
    from intranet.governance import permissions

    return list(permissions.allowed_modules(world.open_space.kind))


def _board(world):
    from processes.models import Board

    return Board.objects.get(pk=_open(world, "board_id"))


def _steps(world) -> list:
    return list(_board(world).steps.order_by("position"))


def _card(world):
    from processes.models import Card

    return Card.objects.get(pk=_open(world, "card_id"))


def _check_items(world) -> list[int]:
    return list(_card(world).checklist.values_list("pk", flat=True)) or [0]


def _report_group(world) -> int:
    from processes.models import ExceptionReport

    return ExceptionReport.objects.get(pk=_open(world, "report_id")).group_id


def _share_candidates(world) -> list:
    from processes import access

    return list(access.share_candidates(user=world.insider, board=_board(world)))


def _board_settings(world, *, share: bool = True) -> dict:
    """The board settings page as it is: every step's row, and the spaces shared with."""
    posted = {}
    for position, step in enumerate(_steps(world), start=1):
        row = f"step-{step.pk}"
        posted.update(
            {
                f"{row}-name": step.name,
                f"{row}-position": str(position),
                f"{row}-department": as_posted(step.department_id),
                f"{row}-wip": as_posted(step.wip_limit),
            }
        )
    if share:
        offered = {s.pk for s in _share_candidates(world)}
        posted["share"] = [str(s.pk) for s in _board(world).shared_with.all() if s.pk in offered]
    return posted


def _rules(world) -> list:
    from gamification.models import PointRule

    return list(PointRule.objects.order_by("key"))


def _rule_rows(rules) -> dict:
    """The rules page's rows as they are."""
    posted = {}
    for rule in rules:
        row = f"rule-{rule.pk}"
        posted.update(
            {
                f"{row}-points": str(rule.points),
                f"{row}-cap": str(rule.daily_cap or 10),  # every rule needs one
                f"{row}-pair": str(rule.pair_cap or 5),  # read where the rule asks for it
            }
        )
        if rule.active:
            posted[f"{row}-active"] = "1"
    return posted


def _reuse_kinds() -> list[str]:
    from gamification.models import ReuseKind

    return list(ReuseKind.values)


def _reader_in_other_team(world) -> None:
    """The reader joins a department the seeded story is not about: its reuse counts."""
    from intranet.governance import services as governance
    from tests.factories import DepartmentFactory

    reader = world.people["reader"]
    if reader.department_id is None:
        team = DepartmentFactory(name="Verkoop", slug="verkoop", parent=world.department)
        governance.set_department_of(actor=world.admin, user=reader, department=team)
        reader.refresh_from_db()


def _person_level_for(world, user) -> None:
    """Person-level insights switched on, and `user` granted them."""
    from insights import services

    services.save_settings(actor=world.admin, **{**INSIGHT_SETTINGS, "person_level": True})
    services.grant(actor=world.admin, user=user)


def _invite_ready(world) -> None:
    """Person-level insights on for the administrator, with a minimum group the seeded
    organisation's one department (4 people) reaches: someone to invite is in the view."""
    from insights import services

    services.save_settings(
        actor=world.admin, **{**INSIGHT_SETTINGS, "min_group": "4", "person_level": True}
    )
    services.grant(actor=world.admin, user=world.admin)


def _invite_path(world, *, prepare: bool = False) -> str:
    """The invite page of someone the administrator sees in the leaders view of 90 days (not
    the insider, who is an ambassador already and has an invitation waiting)."""
    from insights.selectors import named_people

    if prepare:
        _invite_ready(world)
    rows = named_people(window=90, measure="leaders", limit=25)
    person = next(
        row.user for row in rows
        if row.user_id not in (world.insider.pk, world.admin.pk)
        and row.user.org_role != "guest"
    )  # fmt: skip
    return f"/ambassadors/invite/{person.pk}/"


def _thresholds() -> dict:
    """Every phase rule's threshold as the settings page shows it (shares in percent)."""
    from insights import phases

    return {
        rule.key: str(
            round(phases.DEFAULTS[rule.key] * 100) if rule.share else phases.DEFAULTS[rule.key]
        )
        for rule in phases.RULES
    }


def _skilled(person, slug: str) -> None:
    from profiles.models import Skill

    skill, _made = Skill.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    person.skills.add(skill)


def _managed_unit(world):
    """The unit the insider manages below the top (tests/sweep_seed.py), as the form lists it."""
    from intranet.governance.models import Department

    return Department.objects.filter(manager=world.insider).order_by("name")


def _delegate(world) -> None:
    """The reader announces for the top department (granted by its manager, the employee)."""
    from intranet.activity.models import AnnouncementDelegate

    AnnouncementDelegate.objects.get_or_create(
        department=world.department,
        user=world.people["reader"],
        defaults={"granted_by": world.people["employee"]},
    )


def _own_notice(world) -> int:
    from intranet.activity.models import Notification

    found = Notification.objects.filter(recipient=world.insider).order_by("pk").first()
    return found.pk if found else 0


def _space_settings(world) -> dict:
    space = world.open_space
    return {
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "closed_reason": space.closed_reason,
        "modules": list(space.modules),
    }


def _space_matrix(world) -> dict:
    from intranet.governance import permissions

    return permissions.effective_matrix(world.open_space)


def _kind_matrix(kind: str) -> dict:
    from intranet.governance import permissions

    return permissions.kind_matrix(kind)


def _matrix_post(matrix: dict) -> dict:
    """A permission grid as its checkboxes post it."""
    return {f"perm:{action}:{role}": "on" for action, roles in matrix.items() for role in roles}


def _all_modules() -> list[str]:
    from intranet.governance.constants import Module

    return list(Module.values)


def _event_kinds() -> list[str]:
    from intranet.webhooks import payloads

    return [kind for kind, _label in payloads.event_kinds()]


def people(world) -> dict:
    return {
        "anonymous": None,
        "admin": world.admin,
        "insider": world.insider,
        "helper": world.helper,
        **world.people,
    }


# --- Finding every form ------------------------------------------------------------------------


def project_forms() -> dict[str, type[forms.BaseForm]]:
    """Every Form class defined in the project's packages, by dotted name."""
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if module.name in NOT_IMPORTED or ".migrations" in module.name:
                continue
            importlib.import_module(module.name)
    found = {}
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PACKAGES and not inspect.isabstract(cls):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_form_is_fuzzed():
    """A form added to the project must get an address in FORMS, or (read from a query string
    only) a page in GET_FORMS; a removed one leaves."""
    found = project_forms()
    registered = set(FORMS) | set(GET_FORMS) | BASES
    assert set(found) - registered == set(), "forms the fuzzer does not post: add them to FORMS"
    assert registered - set(found) == set(), "FORMS names forms that no longer exist"
    assert set(FORMS) & set(GET_FORMS) == set(), "a form is posted or read from an address"
    for name in BASES:
        base = found[name]
        assert not base.base_fields, f"{name} has fields: post it (FORMS) or read it (GET_FORMS)"
        users = {n for n, c in found.items() if c is not base and issubclass(c, base)}
        assert users and users <= set(FORMS) | set(GET_FORMS), f"{name}: which form uses it?"


# --- What to send ------------------------------------------------------------------------------

TEXT = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be encoded at all
NASTY = [
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ufeff",
    " ",
    "\t\n\r",
    "' OR 1=1 --",
    '"; DROP TABLE x; --',
    "<script>alert(1)</script>",
    "{{ 7*7 }}{% debug %}",
    "%s%s%n%x",
    "(a+)+$",
    "[",
    "\\",
    "*",
    "../../etc/passwd",
    "@ida.binnen @",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "2026-02-30T25:61",
    "ZQX" * 3,
]
HOSTILE = st.one_of(
    st.text(TEXT, max_size=40),
    st.sampled_from(NASTY),
    st.from_regex(r"[\^$.*+?()\[\]{}|\\]{1,30}", fullmatch=True),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(TEXT, min_size=1, max_size=3).map(lambda s: s * 4000),  # far past any limit
)
HOSTILE_VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))


def as_posted(value):
    """A Python value as a browser posts it."""
    if isinstance(value, SimpleUploadedFile):
        return value
    if isinstance(value, bool):
        return "on" if value else MISSING
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return [str(as_posted(v)) for v in value]
    return str(value)


def png(width: int, height: int) -> bytes:
    """A PNG header claiming any size (a pixel bomb when large), without pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _real_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


FILE_CONTENT = st.one_of(
    st.just(_real_png()),
    st.just(png(60000, 60000)),
    st.just(b"GIF89a" + b"\x00" * 20),
    st.just(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    st.binary(max_size=200),
)
FILE_NAME = st.one_of(
    st.sampled_from(["foto.png", "foto.jpg", "x.svg", "..\\..\\boot.ini", "a" * 300 + ".png"]),
    st.text(TEXT, min_size=1, max_size=30),
)
UPLOAD = st.builds(
    lambda name, content, kind: SimpleUploadedFile(name, content, content_type=kind),
    FILE_NAME,
    FILE_CONTENT,
    st.sampled_from(["image/png", "image/jpeg", "application/octet-stream", "text/html"]),
)


# Fields of our own and of allauth that hypothesis has no strategy for: addresses of seeded
# colleagues (tests/factories.py numbers them) and new ones.
COLLEAGUE = st.one_of(st.integers(0, 12).map(lambda n: f"medewerker{n}@plein.example"), st.emails())
register_field_strategy(ColleagueField, COLLEAGUE)
register_field_strategy(AllauthEmailField, st.one_of(st.emails(), st.just("nieuw@plein.example")))


def valid_value(form_field):
    """hypothesis' valid values for a field, or None when it has no strategy for its type."""
    try:
        strategy = from_field(form_field)
        getattr(strategy, "wrapped_strategy", None)  # resolve now, not while drawing
    except (ResolutionFailed, InvalidArgument):
        return None
    return strategy


def field_values(form_class, form_kwargs: dict, hints: dict):
    """Per field: a valid value when hypothesis can make one (or a hint), a hostile one, or
    none at all."""
    strategies = {}
    for name, form_field in form_class(**form_kwargs).fields.items():
        if isinstance(form_field, forms.FileField):
            options = [UPLOAD, HOSTILE, st.just(MISSING)]
        else:
            options = [HOSTILE_VALUE, st.just(MISSING)]
            valid = valid_value(form_field)
            if valid is not None:
                options.insert(0, valid.map(as_posted))
        if name in hints:
            options.insert(0, hints[name].map(as_posted))
        strategies[name] = st.one_of(options)
    return st.fixed_dictionaries(strategies)


def valid_forms(form_class, form_kwargs: dict, hints: dict):
    """Whole forms of valid values (from_form, where hypothesis knows every field, with the
    hints), as posted."""
    fields = form_class(**form_kwargs).fields.items()
    if any(
        valid_value(f) is None
        for name, f in fields
        if name not in hints and not isinstance(f, forms.FileField)
    ):
        return st.nothing()

    def posted(form):
        data = {name: as_posted(value) for name, value in form.data.items()}
        data.update(form.files)
        return data

    return from_form(form_class, form_kwargs=form_kwargs, **hints).map(posted)


@dataclass(frozen=True)
class Raw:
    """A body sent as it is: urlencoded bytes that need not be UTF-8."""

    body: bytes


RAW = st.builds(
    Raw,
    st.one_of(
        st.binary(max_size=200),
        st.lists(st.sampled_from([b"title=", b"%FF%FE", b"\xff\xfe", b"&body=", b"\xc0\x80"])).map(
            b"".join
        ),
    ),
)


def posts(form_class, form_kwargs: dict, hints: dict):
    return st.tuples(
        st.one_of(
            valid_forms(form_class, form_kwargs, hints),
            field_values(form_class, form_kwargs, hints),
            field_values(form_class, form_kwargs, hints),
            RAW,
        ),
        st.booleans(),  # multipart (as browsers post forms with files) or urlencoded
    )


# --- Sending it and judging the answer ---------------------------------------------------------


def fingerprint() -> dict[str, str]:
    """Every watched table's rows, hashed: any insert, update or delete changes its hash."""
    tables = sorted(
        set(connection.introspection.django_table_names(only_existing=True)) - UNWATCHED_TABLES
    )
    # Table names from Django's own introspection, quoted: no outside text in this SQL.
    parts = [
        f"SELECT %s, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "  # noqa: S608
        f"FROM {connection.ops.quote_name(t)} r"
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), tables)
        return dict(cursor.fetchall())


def refused(response) -> bool:
    """4xx, the form shown again with its errors, or a refusal flashed before a redirect."""
    if 400 <= response.status_code < 500:
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    if any(m.level >= messages.WARNING for m in queued):
        return True
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
                return True
    return False


def send(client, path: str, payload, multipart: bool, also: dict, prefix: str = "", headers=None):
    headers = headers or {}
    if isinstance(payload, Raw):
        return client.generic(
            "POST",
            path,
            payload.body,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    data = {f"{prefix}-{k}" if prefix else k: v for k, v in payload.items() if v is not MISSING}
    data.update(also)
    has_files = any(
        isinstance(v, SimpleUploadedFile)
        or (isinstance(v, list) and any(isinstance(x, SimpleUploadedFile) for x in v))
        for v in data.values()
    )
    if multipart or has_files:
        return client.post(path, data, headers=headers)
    return client.post(
        path,
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


@dataclass
class Tally:
    cases: int = 0
    reached: int = 0  # not 404/403/405: the view ran past its access check
    refusals: int = 0
    accepted: int = 0
    problems: dict = field(default_factory=dict)

    def record(self, what: str, example: str) -> None:
        self.problems.setdefault(what, example)


TARGETS = [
    pytest.param(name, index, id=f"{name.rsplit('.', 1)[1]}-{index}")
    for name, targets in FORMS.items()
    for index in range(len(targets))
]


@pytest.fixture(scope="module")
def form_classes():
    return project_forms()


@pytest.fixture
def open_signup(settings):
    settings.ACCOUNT_RATE_LIMITS = False  # allauth's own limits: the form must be reached
    settings.SIGNUP_EMAIL_DOMAINS = ["plein.example"]  # who may sign up without invitation


@pytest.mark.parametrize(("name", "index"), TARGETS)
def test_form_fuzzed(name, index, form_classes, fuzz_world, unlimited, open_signup, server_errors):
    target = FORMS[name][index]
    form_class = form_classes[name]
    target.prepare(fuzz_world)
    who = people(fuzz_world)[target.who]
    path = target.path(fuzz_world)
    also = target.also(fuzz_world)
    prefix = target.prefix(fuzz_world)
    headers = target.headers(fuzz_world)
    client = Client(raise_request_exception=False)
    if who is not None:
        client.force_login(who)
    tally = Tally()
    # The page as the person opens it before posting: what it creates on first use (the
    # organisation's settings row) is there before the fingerprint is taken.
    client.get(path)
    before = fingerprint()
    began = time.monotonic()

    def one(case):
        payload, multipart = case
        tally.cases += 1
        server_errors.clear()
        with rolled_back():
            response = send(client, path, payload, multipart, also, prefix, headers)
            code = response.status_code
            example = f"POST {path} as {target.who}: {payload!r}"[:2000]
            if code >= 500:
                tally.record(f"{code}", example + "\n" + "".join(server_errors)[-3000:])
                return
            if code not in (403, 404, 405):
                tally.reached += 1
            if refused(response):
                tally.refusals += 1
                changed = sorted(t for t, h in fingerprint().items() if before.get(t) != h)
                if changed:
                    tally.record(f"{code}: refused, yet changed {', '.join(changed)}", example)
            else:
                tally.accepted += 1
        forget_caches()

    strategy = posts(form_class, target.form_kwargs(fuzz_world), target.hints(fuzz_world))
    sample = (target.sample(fuzz_world), False)
    hypothesis_run(example(case=sample)(given(case=strategy)(one)), examples=EXAMPLES)()

    print(
        f"\n[form fuzz] {name} at {path} as {target.who}: {tally.cases} cases in "
        f"{time.monotonic() - began:.1f}s, {tally.reached} reached the view, "
        f"{tally.accepted} accepted, {tally.refusals} refused; {len(tally.problems)} problems"
    )
    listing = "\n\n".join(f"{what}\n{example}" for what, example in tally.problems.items())
    assert not tally.problems, listing
    assert tally.accepted, f"not even the sample post was accepted at {path} as {target.who}"


PAGES = [
    pytest.param(name, index, id=f"{name.rsplit('.', 1)[1]}-get-{index}")
    for name, pages in GET_FORMS.items()
    for index in range(len(pages))
]


@pytest.mark.parametrize(("name", "index"), PAGES)
def test_query_fuzzed(name, index, form_classes, fuzz_world, unlimited, server_errors):
    """A form read from the address: the page opened with drawn query strings (valid values,
    hostile ones, fields left out, several values for one) never answers 5xx."""
    page = GET_FORMS[name][index]
    form_class = form_classes[name]
    path = page.path(fuzz_world)
    who = people(fuzz_world)[page.who]
    client = Client(raise_request_exception=False)
    if who is not None:
        client.force_login(who)
    opened = client.get(path, page.query(fuzz_world))
    assert opened.status_code == 200, f"{path} as {page.who}: {opened.status_code}"
    problems: dict[str, str] = {}

    def one(query):
        server_errors.clear()
        params = urlencode({k: v for k, v in query.items() if v is not MISSING}, doseq=True)
        with rolled_back():
            response = client.get(f"{path}?{params}")
            if response.status_code >= 500:
                problems.setdefault(
                    str(response.status_code),
                    f"GET {path}?{params} as {page.who}"[:2000]
                    + "\n"
                    + "".join(server_errors)[-3000:],
                )
        forget_caches()

    strategy = field_values(form_class, {}, page.hints(fuzz_world))
    hypothesis_run(given(query=strategy)(one), examples=EXAMPLES)()
    listing = "\n\n".join(f"{what}\n{example}" for what, example in problems.items())
    assert not problems, listing
