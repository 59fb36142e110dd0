"""Every HTML form of the project fuzzed through the page that posts it (issue 20, part 8).

FORMS maps each Form class to the address (or addresses) that post it and the person allowed
to: a Form added anywhere in the project's apps and missing here fails
test_every_form_is_fuzzed, so a new form cannot escape the fuzzer.

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
    to post in, the revision edited from), drawn besides the others."""

    who: str
    path: Callable
    sample: Callable
    also: Callable = lambda w: {}
    form_kwargs: Callable = lambda w: {}
    hints: Callable = lambda w: {}


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
}
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
    """A form added to the project must get an address in FORMS (and a removed one leaves)."""
    found = set(project_forms())
    assert found - set(FORMS) == set(), "forms the fuzzer does not post: add them to FORMS"
    assert set(FORMS) - found == set(), "FORMS names forms that no longer exist"


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


def send(client, path: str, payload, multipart: bool, also: dict):
    if isinstance(payload, Raw):
        return client.generic(
            "POST", path, payload.body, content_type="application/x-www-form-urlencoded"
        )
    data = {k: v for k, v in payload.items() if v is not MISSING}
    data.update(also)
    has_files = any(isinstance(v, SimpleUploadedFile) for v in data.values())
    if multipart or has_files:
        return client.post(path, data)
    return client.post(
        path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
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
    who = people(fuzz_world)[target.who]
    path = target.path(fuzz_world)
    also = target.also(fuzz_world)
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
            response = send(client, path, payload, multipart, also)
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
