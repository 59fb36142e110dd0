"""The generic leak sweep (issue 19): nothing of a closed space shows anywhere to people who
may not read it.

tests/sweep_seed.py fills four closed spaces with content of every kind (post, comment,
question, discussion, answer, topic and article revisions, collection, article, suggestion,
attachments, board, step, card, checklist, pain point, exception, signal, story and its
image, badge scoped to the space, report), each text carrying a marker
"ZQXSECRET-<kind>-<space>": a secret space, a private one, an open one whose View was narrowed
to members, and an open one with every module switched off (there only module content is
marked: its posts stay visible). It also makes an open space with ordinary content (the
pages render real data), content that was open and then moved into the secret space or was
hidden by a moderator, and warms the caches of people before they lose access.

Then, as an employee outside the closed spaces (a former member of the secret one, who
co-owns the open space), a reader whose View was narrowed away, a guest and a deactivated
account, the sweep requests EVERY URL pattern of the project, walked from the resolver (a new
pattern is covered without touching this file), filled with the real ids of each closed
space's objects and of the open space's, with and without the query parameters its view
reads (values from the closed spaces), and posts empty and junk data (control characters, wrong
JSON types, closed spaces' ids; NUL bytes are refused before any view, the same at every
address: tests/core/test_hostile_input.py) to the views that take posts. It also asks every
search source, composes every digest section, opens every notification, the expertise finder
for every tag, every export (they are URL patterns: CSV, SVG, Markdown), and listens on every
live feed and live page kind while more is written in the closed spaces.

It asserts: the marker never appears (HTML, JSON, CSV, SVG, Markdown, headers, flash
messages, socket frames), nothing answers 5xx, and a URL naming a forbidden object answers
404 (the deactivated account: the sign-in page). A pattern the sweep cannot fill in fails the
test with its name; only the few patterns in ALLOWED_UNSWEPT, which take no content, are left
out, each with a reason. Run it alone: pytest tests/test_leak_sweep.py -s (the summary line
gives its runtime and what it covered).
"""

from __future__ import annotations

import html
import inspect
import json
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from tests.sweep_seed import MARK, Seed, mark, seed

pytestmark = pytest.mark.django_db(transaction=True)

NEEDLE = MARK.lower()

# Patterns the sweep does not request, each with its reason. Everything else is requested;
# a pattern that is neither here nor fillable fails the sweep.
ALLOWED_UNSWEPT = {
    "admin/": "Django's admin: staff accounts only, none of the sweep's people is staff",
    "api/schema/": "the OpenAPI schema describes endpoints; it holds no content",
    "api/docs/": "Swagger UI around the schema; no content",
    "accounts/logout/": "allauth: signing out would end the session the sweep runs in",
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "allauth: an email key, no content",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "allauth: a password-reset key, no content"
    ),
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/": "allauth single sign-on, no content",
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": "allauth single sign-on, no content",
}
# Sign-in machinery: requested with GET (no content there), never posted to (a post would
# sign the sweep's session out, change its password or its address).
NO_POST_PREFIXES = ("accounts/",)
# Arguments that name no content: a pattern with only these is not about a forbidden object.
NEUTRAL_KWARGS = {
    "format",
    "fmt",
    "kind",
    "name",
    "token",
    "user_id",
    "department_id",
    "challenge_id",
    "token_id",
    "account_id",
    "cohort_id",
}
# Pages about a space itself: a private space and an open one are listed to every employee
# (its name, its "ask to join"), so these may answer for them; never for the secret one.
LISTED_SPACE_VIEWS = {
    "intranet.governance.views.home",
    "intranet.governance.views.join",
    "intranet.governance.views.request_membership",
    "intranet.governance.views.leave",
    "intranet.governance.api.SpaceDetailView",
    "intranet.governance.api.SpacePermissionsView",
}
NOT_FOUND_OK = {404, 405}  # 405: the method is refused before anything is loaded
SIGNED_OUT_OK = {302, 401, 403, 404, 405}


# --- Walking the URL patterns -------------------------------------------------------------------


@dataclass
class Pattern:
    route: str  # the full pattern, prefixes included, as the resolver spells it
    pattern: URLPattern
    kwargs: list[str]

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def view_id(self) -> str:
        callback = self.callback
        cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        name = cls.__name__ if cls is not None and cls.__name__ != "WrappedAPIView" else None
        return f"{callback.__module__}.{name or callback.__name__}"

    @property
    def module(self) -> str:
        return self.callback.__module__


def walk(patterns=None, prefix: str = "", regexes: tuple = ()):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        regex_list = (*regexes, entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            if prefix + str(entry.pattern) in ALLOWED_UNSWEPT:
                continue
            yield from walk(entry.url_patterns, route, regex_list)
        elif route not in ALLOWED_UNSWEPT:
            names = []
            for regex in regex_list:
                names += list(re.compile(regex).groupindex)
            yield Pattern(route=route, pattern=entry, kwargs=names)


_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def build(route: str, values: dict) -> str:
    """The path of `route` with `values` in its arguments."""
    path = _GROUP.sub(lambda m: quote(str(values[m["name"]]), safe=""), route)
    path = _CONVERTER.sub(lambda m: quote(str(values[m["name"]]), safe=""), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + path


# --- What the views read ------------------------------------------------------------------------

_GET_KEYS = [
    r'GET\.get\(\s*"([\w-]+)"',
    r'GET\[\s*"([\w-]+)"\]',
    r'GET\.getlist\(\s*"([\w-]+)"',
    r'query_params\.get\(\s*"([\w-]+)"',
    r'query_params\.getlist\(\s*"([\w-]+)"',
    r'query_params\[\s*"([\w-]+)"\]',
]
_POST_KEYS = [
    r'POST\.get\(\s*"([\w-]+)"',
    r'POST\[\s*"([\w-]+)"\]',
    r'POST\.getlist\(\s*"([\w-]+)"',
    r'data\.get\(\s*"([\w-]+)"',
    r'data\[\s*"([\w-]+)"\]',
    r'data\.getlist\(\s*"([\w-]+)"',
    r"^\s+(\w+) = (?:forms|serializers)\.\w+\(",
]
_source_cache: dict[str, str] = {}


def _source(module: str) -> str:
    if module not in _source_cache:
        import importlib

        try:
            _source_cache[module] = inspect.getsource(importlib.import_module(module))
        except (OSError, TypeError, ImportError):
            _source_cache[module] = ""
    return _source_cache[module]


def _app_sources(module: str) -> str:
    """The view's module and, for its posts, the forms and serializers of its app."""
    package = module.rsplit(".", 1)[0]
    return "\n".join(_source(f"{package}.{name}") for name in ("forms", "serializers"))


def view_source(p: Pattern) -> str:
    """The source of the view a pattern calls, with the same module's helpers it calls (one
    level: `_window(request)`, `_article(request, id)`), or its class. Falls back to the
    whole module when the function cannot be found."""
    import importlib

    callback = p.callback
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    functions = []
    if cls is not None and cls.__name__ == "WrappedAPIView":  # DRF's @api_view
        for method in ("get", "post", "put", "patch", "delete"):
            handler = getattr(cls, method, None)
            for cell in getattr(handler, "__closure__", None) or ():
                value = cell.cell_contents
                if inspect.isfunction(value) and value.__module__ == p.module:
                    functions.append(value)
    elif cls is not None:
        try:
            return inspect.getsource(cls)
        except (OSError, TypeError):
            return _source(p.module)
    else:
        function = callback
        while getattr(function, "__wrapped__", None) is not None:
            function = function.__wrapped__
        functions.append(function)
    try:
        text = "\n".join(inspect.getsource(f) for f in functions)
    except (OSError, TypeError):
        return _source(p.module)
    if not text:
        return _source(p.module)
    module = importlib.import_module(p.module)
    for name in set(re.findall(r"\b(_\w+)\(", text)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == p.module:
            text += "\n" + inspect.getsource(helper)
    return text


def keys_read(module: str, patterns: list[str], extra: str = "", *, text: str | None = None):
    text = (_source(module) if text is None else text) + "\n" + extra
    found = []
    for regex in patterns:
        found += re.findall(regex, text, re.MULTILINE)
    return sorted(set(found) - {"csrfmiddlewaretoken"})


def literals_for(module: str, key: str) -> list[str]:
    """Values a view compares a parameter with (`export == "svg"`, `fmt in ("md", ...)`)."""
    text = _source(module)
    found = re.findall(rf'\b{re.escape(key)}\s*==\s*"([\w.-]+)"', text)
    for group in re.findall(rf"\b{re.escape(key)}\s*(?:not )?in\s*[\(\[\{{]([^\)\]\}}]*)", text):
        found += re.findall(r'"([\w.-]+)"', group)
    return sorted(set(found))


def methods_of(callback) -> set[str]:
    """The methods a view takes: DRF's handlers, or require_http_methods' list; unknown: all."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        names = getattr(cls, "http_method_names", [])
        return {m.upper() for m in names if hasattr(cls, m) and m not in ("options", "head")}
    function = callback
    while function is not None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, str) for v in value)
                and set(value) <= {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
            ):
                return set(value) - {"HEAD", "OPTIONS"}
        function = getattr(function, "__wrapped__", None)
    return {"GET", "POST"}


def is_api(p: Pattern) -> bool:
    return p.route.startswith("api/")


# --- Filling in the arguments -------------------------------------------------------------------


class Unfillable(Exception):
    pass


def kwarg_values(p: Pattern, name: str, seed_: Seed, bundle) -> list:
    """Candidate values of one URL argument, from the seeded space `bundle`, chosen by the
    view's app when a name means different things in different apps."""
    ids = bundle.ids
    app = p.module.split(".")[0] if not p.module.startswith("intranet.") else p.module
    if name == "attachment_id":
        return [ids["card_attachment_id"] if app == "processes" else ids["knowledge_attachment_id"]]
    if name == "name":
        if "photo" in p.route:
            return ["photo.webp"]
        return [
            ids["card_attachment_name"] if app == "processes" else ids["knowledge_attachment_name"]
        ]
    if name == "user_id":
        return [seed_.insider.pk]
    if name == "department_id":
        return [seed_.department.pk]
    if name == "kind":
        return ["project"]
    if name == "format":
        return ["json"]
    if name == "fmt":
        return literals_for(p.module, "fmt") or ["md"]
    if name == "token":
        return [seed_.tokens.get(app, "onbekend-token")]
    if name == "challenge_id":
        return [seed_.challenge_id]
    if name in seed_.neutral_ids:
        return [seed_.neutral_ids[name]]
    if name == "slug" and "forum/tags/" in p.route:
        return [bundle.tag]
    if name in ids:
        return [ids[name]]
    raise Unfillable(name)


def urls_for(p: Pattern, seed_: Seed) -> list[tuple[str, str | None, dict]]:
    """[(url, space code or None, kwargs)] for a pattern: one per seeded closed space (the
    pattern names its objects), or one for a pattern without arguments."""
    if not p.kwargs:
        return [(build(p.route, {}), None, {})]
    found = []
    bundles = [*seed_.bundles.items(), ("open", seed_.open_bundle)]
    if not set(p.kwargs) - NEUTRAL_KWARGS:
        bundles = [(None, seed_.bundles["secret"])]  # the same address whatever the space
    for code, bundle in bundles:
        try:
            choices = [kwarg_values(p, name, seed_, bundle) for name in p.kwargs]
        except Unfillable:
            if code == "open":
                continue  # only what belongs to a space: the open space has no such thing
            raise
        combos = [{}]
        for name, values in zip(p.kwargs, choices, strict=True):
            combos = [{**c, name: v} for c in combos for v in values]
        for kwargs in combos:
            found.append((build(p.route, kwargs), code, kwargs))
    return found


def query_variants(p: Pattern, seed_: Seed, code: str | None) -> list[dict]:
    """One request per parameter the view reads (directly, or through a form bound to the
    query), with values from the closed spaces (for a pattern without arguments: from each
    of them)."""
    source = view_source(p)
    forms = _app_sources(p.module) if re.search(r"\(request\.GET|query_params\)", source) else ""
    keys = keys_read(p.module, _GET_KEYS + ([_POST_KEYS[-1]] if forms else []), forms, text=source)
    closed = code is None or code == "open"
    bundles = list(seed_.bundles.values()) if closed else [seed_.bundles[code]]
    variants = []
    for key in keys:
        values = set(literals_for(p.module, key))
        for bundle in bundles:
            values |= set(param_values(key, bundle, seed_, for_get=True))
        variants += [{key: v} for v in sorted(values, key=str)]
    return variants


def param_values(key: str, bundle, seed_: Seed, *, for_get: bool) -> list:
    """What to put in a query or form field called `key`: the closed space's objects."""
    ids = bundle.ids
    base = re.sub(r"_ids?$", "", key)
    if key in ("q", "query", "search", "term", "title"):
        return [MARK, mark("question", bundle.code), "btw"]
    if base in ("topic", "tag", "tags", "skill", "skills", "interest"):
        return [bundle.tag] + ([ids["topic_id"]] if base == "topic" else [])
    if base == "space":
        return [bundle.space.slug, bundle.space.pk] if for_get else [bundle.space.pk]
    if base in ("user", "person", "people", "owner", "manager", "member", "recipient"):
        return [seed_.insider.pk, seed_.insider.email]
    if base in ("step", "to_step", "from_step"):
        return [ids["step_id"]]
    if base in ("object",):
        return [ids["answer_id"]]
    if base in ("into",):
        return [ids["discussion_id"]]
    if base in ("kind",):
        return ["forums.answer", "forums.topic", "activity.comment", "knowledge.article"]
    if base in ("before", "after", "cursor", "since"):
        return [ids["post_id"] + 1000]
    if base == "feed":
        return [f"space:{bundle.space.pk}", f"person:{seed_.insider.pk}", "home"]
    if base in ("preview", "author", "proposer", "reporter"):
        return [seed_.insider.pk]
    if base in ("new", "old", "number", "base_number"):
        return [1, ids["number"]]
    if base in ("department", "team", "teams"):
        return [seed_.department.pk]
    if f"{base}_id" in ids:
        return [ids[f"{base}_id"]]
    if base in ids:
        return [ids[base]]
    return []


def junk_form(p: Pattern, bundle, seed_: Seed) -> dict:
    keys = keys_read(p.module, _POST_KEYS, _app_sources(p.module))
    data = {}
    for key in [*keys, "title", "body", "text", "name", "reason", "note", "value"]:
        values = param_values(key, bundle, seed_, for_get=False) if bundle else []
        # No NUL byte: it is refused before any view, the same at every address
        # (intranet.core.middleware, tests/core/test_hostile_input.py); junk reaches the view.
        data[key] = str(values[0]) if values else "\x01junk\u202e"
    return data


def junk_json(p: Pattern, bundle, seed_: Seed) -> dict:
    keys = keys_read(p.module, _POST_KEYS, _app_sources(p.module))
    data = {}
    for index, key in enumerate([*keys, "title", "body", "value"]):
        values = param_values(key, bundle, seed_, for_get=False) if bundle else []
        # Wrong types: lists and objects where strings or numbers belong, ids as text.
        data[key] = [str(values[0])] if values and index % 2 else {"junk": [None, 1.5]}
    return data


# --- Looking at answers -------------------------------------------------------------------------


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return (headers + "\n" + content.decode("utf-8", errors="replace")).lower()


def echoes(values) -> set[str]:
    """What the request itself said: a page may repeat the person's own query."""
    found = set()
    for value in values:
        text = str(value).lower()
        if NEEDLE in text:
            found |= {text, html.escape(text), quote(text, safe=""), quote(text), json.dumps(text)}
    return found


def leaks(body: str, said: set[str]) -> list[str]:
    for echo in sorted(said, key=len, reverse=True):
        body = body.replace(echo, "")
    return sorted(set(re.findall(rf"{NEEDLE}[\w.-]*", body)))


@dataclass
class Sweep:
    seed: Seed
    problems: list[str] = field(default_factory=list)
    requests: int = 0
    pairs: set = field(default_factory=set)
    seconds: dict = field(default_factory=dict)  # (who, what) -> time spent

    def signed_in_as(self, response) -> bool:
        person = self.seed.people["deactivated"]
        text = body_of(response)
        return person.email.lower() in text or person.last_name.lower() in text

    def problem(self, who: str, what: str) -> None:
        self.problems.append(f"[{who}] {what}")

    def check(self, who, method, url, response, *, said=(), forbidden=False, signed_out=False):
        self.requests += 1
        label = f"{method} {url}"
        if response is None:
            return
        if response.status_code >= 500:
            self.problem(who, f"{label} answered {response.status_code}")
        found = leaks(body_of(response), echoes(said))
        if found:
            self.problem(who, f"{label} shows {', '.join(found)}")
        if signed_out:
            if response.status_code == 200 and self.signed_in_as(response):
                self.problem(who, f"{label} still serves the deactivated account's session")
            elif not forbidden:
                pass  # a page without content (sign-in, health check) answers anyone
            elif response.status_code not in SIGNED_OUT_OK:
                self.problem(
                    who, f"{label} answered {response.status_code} to a signed-out session"
                )
            elif response.status_code == 302 and "/accounts/login" not in response["Location"]:
                self.problem(who, f"{label} redirected to {response['Location']}, not sign-in")
        elif forbidden and response.status_code not in NOT_FOUND_OK:
            self.problem(who, f"{label} answered {response.status_code}, not 404")

    def request(self, client, who, method, url, *, data=None, json_body=None, said=(), **expect):
        began = time.monotonic()
        with transaction.atomic():
            try:
                if method == "GET":
                    response = client.get(url, data or {})
                elif json_body is not None:
                    response = getattr(client, method.lower())(
                        url, data=json.dumps(json_body), content_type="application/json"
                    )
                else:
                    response = client.generic(
                        method,
                        url,
                        urlencode(data or {}, doseq=True),
                        content_type="application/x-www-form-urlencoded",
                    )
            except Exception as error:  # a crash is a finding, not the end
                self.problem(
                    who,
                    f"{method} {url} {data or json_body or ''!r:.120} raised "
                    f"{type(error).__name__}: {str(error)[:200]}",
                )
                response = None
            transaction.set_rollback(True)  # what a post changed does not reach the next one
        said = [*list(said), url, *list((data or {}).values())]
        self.check(who, method, url, response, said=said, **expect)
        self.check_messages(client, who, f"{method} {url}", said)
        what = "query" if method == "GET" and data else method
        key = (who, what)
        self.seconds[key] = self.seconds.get(key, 0) + time.monotonic() - began
        return response

    def check_messages(self, client, who, label, said) -> None:
        """Flash messages ride a cookie to the next page: read them here, for this request,
        and drop them (the next request would show them as if it had made them)."""
        from django.contrib.messages.storage.cookie import CookieStorage

        cookie = client.cookies.get("messages")
        if cookie is None:
            return
        if cookie.value:
            decoded = CookieStorage(None)._decode(cookie.value) or []
            found = leaks(" ".join(str(m) for m in decoded).lower(), echoes(said))
            if found:
                self.problem(who, f"{label} says (in a message) {', '.join(found)}")
        del client.cookies["messages"]


# --- The sweep ----------------------------------------------------------------------------------


def _client_for(who: str, seed_: Seed, *, deactivate: bool = True) -> Client:
    from intranet.governance import services as governance

    client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="nl")
    person = seed_.people[who]
    client.force_login(person)
    if who == "deactivated" and deactivate:
        # Signed in, then deactivated by an administrator: the same session goes on.
        governance.set_account_active(actor=seed_.admin, user=person, active=False)
    return client


# In the space whose modules are off, these name content of a module (or a module's page of
# the space); its posts, comments and badges stay.
MODULE_APPS = {"forums", "knowledge", "processes", "gamification"}
MODULE_FREE_KWARGS = NEUTRAL_KWARGS | {"slug", "post_id", "badge_id", "idea_id", "followup_id"}


def _resolves_to(p: Pattern, url: str) -> bool:
    """The address built for a pattern reaches that pattern's view (not a neighbour's)."""
    from django.urls import Resolver404

    try:
        return resolve(url.split("?")[0]).func is p.callback
    except Resolver404:
        return False


def _forbidden(p: Pattern, code: str | None) -> bool:
    """Does this URL, filled from space `code`, name something none of the people may see?"""
    if code is None or code == "open" or not (set(p.kwargs) - NEUTRAL_KWARGS):
        return False
    if "/tags/<" in p.route:
        return False  # any well-formed tag may be followed: the address names no content
    slug_only = set(p.kwargs) <= {"slug", "format"}
    if code == "switched":
        if set(p.kwargs) - MODULE_FREE_KWARGS:
            return True
        return slug_only and p.module.split(".")[0] in MODULE_APPS
    return not (p.view_id in LISTED_SPACE_VIEWS and code != "secret" and slug_only)


def sweep_patterns(sweep: Sweep, client: Client, who: str, patterns: list[Pattern]) -> None:
    seed_ = sweep.seed
    signed_out = who == "deactivated"
    for p in patterns:
        try:
            urls = urls_for(p, seed_)
        except Unfillable as error:
            sweep.problem(
                "sweep",
                f"cannot fill <{error}> of pattern {p.route!r} "
                f"({p.view_id}): map it in kwarg_values or allow-list it",
            )
            continue
        methods = methods_of(p.callback)
        posts = [m for m in ("POST", "PUT", "PATCH", "DELETE") if m in methods]
        if p.route.startswith(NO_POST_PREFIXES):
            posts = []
        for url, code, _kwargs in urls:
            if not _resolves_to(p, url):
                sweep.problem("sweep", f"{url} (built from {p.route!r}) reaches another view")
                continue
            sweep.pairs.add((who, url))
            forbidden = _forbidden(p, code)
            expect = {"forbidden": forbidden, "signed_out": signed_out}
            said = list(_kwargs.values())
            if "GET" in methods:
                sweep.request(client, who, "GET", url, said=said, **expect)
                for params in query_variants(p, seed_, code) if not forbidden else ():
                    sweep.request(client, who, "GET", url, data=params, said=said, **expect)
            bundle = seed_.bundles.get(code) or seed_.bundles["secret"]
            for method in posts:
                if is_api(p):
                    sweep.request(client, who, method, url, json_body={}, said=said, **expect)
                    for body in (junk_json(p, bundle, seed_), junk_form(p, bundle, seed_)):
                        sweep.request(client, who, method, url, json_body=body, said=said, **expect)
                else:
                    sweep.request(client, who, method, url, data={}, said=said, **expect)
                    sweep.request(
                        client,
                        who,
                        method,
                        url,
                        data=junk_form(p, bundle, seed_),
                        said=said,
                        **expect,
                    )


def sweep_derived(sweep: Sweep, client: Client, who: str) -> None:
    """Search sources, digest sections, notifications, the expertise finder, exports."""
    from intranet.activity.models import Notification
    from intranet.digests import selectors as digests
    from intranet.digests import services as digest_services
    from intranet.digests.registry import forget_shared, sections
    from intranet.search.registry import sources

    seed_ = sweep.seed
    person = type(seed_.people[who]).objects.get(pk=seed_.people[who].pk)
    queries = [MARK, "btw", "gedeeld", "vraag", "handleiding", "order", *seed_.tags]
    queries += [mark("question", code) for code in seed_.bundles]
    for source in sources():
        for q in queries:
            sweep.requests += 1
            sweep.pairs.add((who, f"search:{source.key}:{q}"))
            try:
                results = source.search(user=person, q=q, limit=50)
            except Exception as error:
                sweep.problem(who, f"search source {source.key} q={q!r} raised {error!r}")
                continue
            found = leaks(repr(results).lower(), echoes([q]))
            if found:
                sweep.problem(who, f"search source {source.key} q={q!r} finds {found}")
    now = timezone.now()
    forget_shared()
    for section in sections():
        sweep.requests += 1
        sweep.pairs.add((who, f"digest:{section.key}"))
        try:
            items = section.collect(
                user=person, since=now - timedelta(days=30), until=now, limit=50
            )
        except Exception as error:
            sweep.problem(who, f"digest section {section.key} raised {error!r}")
            continue
        found = leaks(repr(items).lower(), set())
        if found:
            sweep.problem(who, f"digest section {section.key} shows {found}")
    digest = digests.compose(user=person, since=now - timedelta(days=30), until=now)
    if digest.errors:
        sweep.problem(who, f"digest errors: {digest.errors}")
    subject, text, page = digest_services.render(user=person, digest=digest, unsubscribe="#")
    found = leaks(f"{subject}\n{text}\n{page}".lower(), set())
    if found:
        sweep.problem(who, f"the composed digest shows {found}")
    # Every notification the person has, rendered where people read them.
    mine = list(Notification.objects.filter(recipient=person).values_list("pk", flat=True))
    signed_out = who == "deactivated"
    for url in ("/notifications/", "/api/notifications/"):
        for page_number in range(1, 2 + len(mine) // 20):
            sweep.request(
                client, who, "GET", url, data={"page": page_number}, signed_out=signed_out
            )
    for pk in mine:
        sweep.pairs.add((who, f"notification:{pk}"))
        sweep.request(
            client,
            who,
            "POST",
            f"/api/notifications/{pk}/read/",
            json_body={},
            signed_out=signed_out,
        )
    # The expertise finder, for every tag there is.
    for tag in seed_.tags:
        for url in ("/people/expertise/", "/api/expertise/"):
            sweep.pairs.add((who, f"{url}?topic={tag}"))
            sweep.request(
                client, who, "GET", url, data={"topic": tag}, said=[tag], signed_out=signed_out
            )


def _report(sweep: Sweep, started: float, patterns: list[Pattern]) -> None:
    seconds = time.monotonic() - started
    print(
        f"\nLEAK SWEEP: {seconds:.1f}s, {len(patterns)} URL patterns swept "
        f"({len(ALLOWED_UNSWEPT)} allow-listed), {len(sweep.pairs)} (user, object/URL) pairs, "
        f"{sweep.requests} requests, {len(sweep.problems)} problems"
    )
    spent = {}
    for (who, what), value in sweep.seconds.items():
        spent.setdefault(who, []).append(f"{what} {value:.0f}s")
    print("  time per person: " + "; ".join(f"{w}: {', '.join(v)}" for w, v in spent.items()))
    assert not sweep.problems, "Leaks and failures found by the sweep:\n" + "\n".join(
        sorted(set(sweep.problems))
    )


def _seed_all() -> Seed:
    from gamification import services as game
    from intranet.digests import services as digest_services

    seed_ = seed()
    today = timezone.localdate()
    challenge = game.create_challenge(
        actor=seed_.admin,
        title="Sweep challenge",
        description="Doe mee.",
        starts_on=today,
        ends_on=today + timedelta(days=30),
        steps=[("answer_posted", 1)],
    )
    seed_.challenge_id = challenge.pk
    seed_.tokens = {
        "intranet.digests.views": digest_services.unsubscribe_token(user=seed_.insider),
        "profiles": "onbekende-uitnodiging",
    }
    from intranet.tokens import services as tokens

    token, _plain = tokens.create_token(
        actor=seed_.insider, user=seed_.insider, name="Sweep", scopes=["read"], days=30
    )
    account = tokens.create_service_account(actor=seed_.admin, name="Sweep service")
    # A reverse-mentoring cohort belongs to no space: its pages are for its organiser and
    # pair only (the administrator, the insider and the helper), none of the sweep's people.
    seed_.neutral_ids = {
        **seed_.neutral_ids,  # the seed's own (an announcement)
        "token_id": token.pk,
        "account_id": account.pk,
        "cohort_id": seed_.cohorts["running"],
    }
    return seed_


def _control(seed_: Seed) -> None:
    """The sweep sees what it looks for: the owner finds the markers where they belong."""
    from intranet.search.registry import sources

    client = Client()
    client.force_login(seed_.insider)
    for code, bundle in seed_.bundles.items():
        if code == "switched":
            continue  # its forum is off for everyone
        page = client.get(f"/forum/topics/{bundle.ids['topic_id']}/")
        assert page.status_code == 200 and mark("answer", code).lower() in leaks(
            body_of(page), set()
        ), f"the sweep's control failed: the owner does not see the {code} question"
    found = [r for source in sources() for r in source.search(user=seed_.insider, q=MARK, limit=50)]
    assert leaks(repr(found).lower(), set()), "the owner's search finds no marker: check the seed"


def test_no_url_search_digest_or_notification_shows_closed_content(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Thousands of requests a minute per person: far past the API's rate limit, which would
    # answer 429 where the sweep must see what a reader is shown (tests/core/test_ratelimit.py).
    settings.PLEIN_RATE_LIMITS = {}
    started = time.monotonic()
    seed_ = _seed_all()
    _control(seed_)
    patterns = list(walk())
    sweep = Sweep(seed=seed_)
    for who in ("employee", "reader", "guest", "deactivated"):
        client = _client_for(who, seed_)
        sweep_patterns(sweep, client, who, patterns)
        sweep_derived(sweep, client, who)
    # The API once more through the employee's access token (read and write everywhere), with
    # no session: a token reaches no more than its person does.
    sweep_patterns(
        sweep,
        _token_client("employee", seed_),
        "employee+token",
        [p for p in patterns if is_api(p)],
    )
    _report(sweep, started, patterns)


def _token_client(who: str, seed_: Seed) -> Client:
    from intranet.tokens import services as tokens

    person = seed_.people[who]
    _token, plain = tokens.create_token(
        actor=person, user=person, name="Sweep", scopes=["write"], days=7
    )
    return Client(
        raise_request_exception=True,
        HTTP_ACCEPT_LANGUAGE="nl",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )


# --- The live sockets ---------------------------------------------------------------------------


EVERYONE = frozenset({"employee", "reader", "guest"})


def _feeds(seed_: Seed) -> list[tuple[str, frozenset]]:
    """[(feed, who may not open it)]: the feeds, and every live page kind an app registered
    (topic:<id>, board:<id> ...) for the seeded objects of that kind."""
    from intranet.activity import live

    nobody = frozenset()
    feeds = [
        ("home", nobody),
        ("bell", nobody),
        (f"person:{seed_.insider.pk}", nobody),
        (f"space:{seed_.open_space.pk}", nobody),
    ]
    for code, bundle in seed_.bundles.items():
        # The switched space keeps its feed of posts (not for the guest, who is no member).
        feeds.append(
            (f"space:{bundle.space.pk}", frozenset({"guest"}) if code == "switched" else EVERYONE)
        )
    for kind in sorted(live._pages):
        key = f"{kind}_id"
        if key in seed_.open_bundle.ids:
            feeds.append((f"{kind}:{seed_.open_bundle.ids[key]}", nobody))
        for bundle in seed_.bundles.values():
            if key not in bundle.ids:
                raise AssertionError(f"live page kind {kind!r}: map it to a seeded id")
            feeds.append((f"{kind}:{bundle.ids[key]}", EVERYONE))
    return feeds


def _write_more(seed_: Seed) -> None:
    """New content in the closed spaces, of the kinds that are pushed live."""
    from forums import services as forums
    from forums.models import Topic
    from intranet.activity import services as activity
    from processes import services as processes
    from processes.models import Card

    for code, bundle in seed_.bundles.items():
        activity.create_post(
            author=seed_.insider,
            space=bundle.space,
            body=f"{mark('livepost', code)} @{seed_.people['employee'].email.split('@')[0]}",
        )
        if code == "switched":
            continue  # its modules are off: nobody writes there
        topic = Topic.objects.get(pk=bundle.ids["topic_id"])
        answer = forums.answer(author=seed_.helper, topic=topic, body=mark("liveanswer", code))
        forums.vote(user=seed_.insider, answer_id=answer.pk, value=1)
        card = Card.objects.get(pk=bundle.ids["card_id"])
        board = card.board
        processes.add_card(actor=seed_.insider, board=board, title=mark("livecard", code))
        steps = list(board.steps.order_by("position"))
        processes.move(
            actor=seed_.helper, card_id=card.pk, to_step_id=steps[0].pk, from_step_id=card.step_id
        )
        processes.flag_pain(
            actor=seed_.helper,
            board=board,
            what=mark("livepain", code),
            frequency="weekly",
            impact="low",
            step=steps[0],
        )
    # An announcement to the insider's unit, which none of the sweep's people is in: it is
    # pushed to the unit and to the insider's followers' sockets, which must drop it.
    from django.utils import timezone

    from intranet.governance.models import Department

    activity.publish_announcement(
        author=type(seed_.insider).objects.get(pk=seed_.insider.pk),
        title=mark("liveannouncement", "unit"),
        body=mark("liveannouncement", "unit"),
        department=Department.objects.get(slug="projectbureau"),
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    # And something everybody may see, so the sockets are known to be listening.
    activity.create_post(author=seed_.insider, space=seed_.open_space, body="Openbaar live bericht")


@pytest.mark.asyncio
async def test_live_sockets_push_nothing_of_closed_spaces():
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from intranet.asgi import application

    started = time.monotonic()
    seed_ = await sync_to_async(_seed_all)()
    feeds = await sync_to_async(_feeds)(seed_)
    problems: list[str] = []
    sockets: list[tuple[str, str, WebsocketCommunicator]] = []
    heard_open: dict[str, bool] = {}
    # The deactivated account: its sockets opened while it could sign in close when an
    # administrator deactivates it, and get nothing more.
    from intranet.governance import services as governance

    gone = await sync_to_async(_client_for)("deactivated", seed_, deactivate=False)
    cookie = f"{settings.SESSION_COOKIE_NAME}={gone.cookies[settings.SESSION_COOKIE_NAME].value}"
    opened = []
    for feed in ("home", "bell", f"person:{seed_.insider.pk}"):
        headers = [
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
            (b"cookie", cookie.encode()),
        ]
        socket = WebsocketCommunicator(application, f"/ws/feed/?feed={feed}", headers=headers)
        connected, code = await socket.connect(timeout=5)
        if not connected:
            problems.append(f"[deactivated] before deactivation: socket {feed} refused ({code})")
            continue
        opened.append((feed, socket))
    await sync_to_async(governance.set_account_active)(
        actor=seed_.admin, user=seed_.people["deactivated"], active=False
    )
    for feed, socket in opened:
        closed = await socket.receive_output(timeout=5)
        if closed != {"type": "websocket.close", "code": 4401}:
            problems.append(f"[deactivated] socket {feed} not closed on deactivation: {closed}")
    for who in ("employee", "reader", "guest", "deactivated"):
        client = await sync_to_async(_client_for)(who, seed_)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        for feed, closed in feeds:
            headers = [
                (b"origin", b"http://localhost"),
                (b"host", b"localhost"),
                (b"cookie", cookie.encode()),
            ]
            socket = WebsocketCommunicator(application, f"/ws/feed/?feed={feed}", headers=headers)
            connected, code = await socket.connect(timeout=5)
            if who == "deactivated":
                if connected or code != 4401:
                    problems.append(f"[{who}] socket {feed} opened ({connected}, {code})")
                continue
            if who in closed:
                if connected or code != 4404:
                    problems.append(f"[{who}] socket {feed} of a closed space: {connected}, {code}")
                continue
            if not connected:
                problems.append(f"[{who}] socket {feed} did not open ({code})")
                continue
            # What a reconnecting page is replayed; then junk.
            await socket.send_json_to({"type": "resume", "last_id": 0})
            await socket.send_to(text_data='{"type": "resume", "last_id": "\\u0000"}')
            sockets.append((who, feed, socket))
    await sync_to_async(_write_more)(seed_)
    # Home feeds first: the open post, written last, arrives there (the control); by then
    # everything written before it has been pushed, or never will be.
    sockets.sort(key=lambda entry: entry[1] != "home")
    for who, feed, socket in sockets:
        received = []
        deadline = time.monotonic() + (10 if feed == "home" else 0)
        while True:
            waiting = "openbaar live bericht" not in "\n".join(received).lower()
            quiet = 1.0 if waiting and time.monotonic() < deadline else 0.3
            if await socket.receive_nothing(timeout=quiet):
                if not (waiting and time.monotonic() < deadline):
                    break
                continue
            output = await socket.receive_output(timeout=1)
            if output.get("type") == "websocket.send":
                received.append(output.get("text") or "")
            else:
                received.append(f"<{output.get('type')} {output.get('code', '')}>")
                break
        text = "\n".join(received).lower()
        found = leaks(text, set())
        if found:
            problems.append(f"[{who}] socket {feed} pushed {found}")
        if feed == "home" and "openbaar live bericht" in text:
            heard_open[who] = True
        await socket.disconnect()
    # The control: people who read the open space heard its new post on their home feed.
    for who in ("employee", "reader", "guest"):
        if not heard_open.get(who):
            problems.append(f"[{who}] control: the home socket did not get the open post")
    print(
        f"\nLIVE SWEEP: {time.monotonic() - started:.1f}s, {len(feeds)} feeds x 4 people, "
        f"{len(sockets)} sockets listened, {len(problems)} problems"
    )
    assert not problems, "Live sockets:\n" + "\n".join(problems)
