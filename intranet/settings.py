"""Plein settings: one module, read from environment variables.

PLEIN_ENV selects defaults: "production" (the default: strict, nothing guessed), "development"
(`make run`: a generated secret key kept in var/, mail printed to the console) or "test".
Every variable is listed in README.md.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PLEIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PLEIN_ENV = os.environ.get("PLEIN_ENV", "production").strip().lower()
if PLEIN_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"PLEIN_ENV is '{PLEIN_ENV}'; use 'production', 'development' or 'test'."
    )
PRODUCTION = PLEIN_ENV == "production"
TESTING = PLEIN_ENV == "test"
DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if (
        key
        and PRODUCTION
        and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"))
    ):
        # Sessions, password reset links and signed unsubscribe links all rest on this key.
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak ({len(key)} characters, {len(set(key))} different). In "
            "production Plein needs at least 50 random characters, for example the output of: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production Plein needs a long random SECRET_KEY in the "
            "environment, for example the output of: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if TESTING:
        return "plein-test-only-key-" + "x" * 40
    # Development: generate once and keep it, so sessions survive a restart of `make run`.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]


def local_host(host: str) -> bool:
    """A host name only this machine reaches: localhost, *.localhost, a loopback address."""
    import ipaddress

    name = host.strip().lower().rstrip(".")
    if name in {"localhost", "testserver"} or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


_public_hosts = [host for host in ALLOWED_HOSTS if not local_host(host)]
if _public_hosts and (DEBUG or not PRODUCTION):
    # Debug pages show settings and code; development and test defaults (a key in var/, mail
    # to the outbox, no HTTPS) are not meant for a network either.
    raise ImproperlyConfigured(
        f"ALLOWED_HOSTS names {', '.join(_public_hosts)}, reachable from other machines, while "
        + ("DJANGO_DEBUG is on" if DEBUG else f"PLEIN_ENV is '{PLEIN_ENV}'")
        + ". Serve other machines only with PLEIN_ENV=production and DJANGO_DEBUG off; for "
        "development keep ALLOWED_HOSTS to localhost, 127.0.0.1 and [::1]."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Rate limits (intranet.core.ratelimit, README "Rate limits"): per budget, a limit per tier
# ("staff", "new" = joined less than PLEIN_NEW_ACCOUNT_DAYS ago, "guest", "member"; the API also
# "anonymous"), in the `limits` notation, several windows separated by ";". A tier left out is
# not limited. PLEIN_RATE_LIMITS in the environment is a JSON object laid over these defaults,
# budget by budget, e.g. {"write": {"new": "3/minute;10/hour"}}; {"api": {}} lifts a budget.
PLEIN_NEW_ACCOUNT_DAYS = int(os.environ.get("PLEIN_NEW_ACCOUNT_DAYS", "3"))
PLEIN_RATE_LIMITS = {
    # Questions, answers, comments, posts, articles, suggestions, stories, cards, pain points
    # and exception reports share one budget: a flood cannot move from one kind to the next.
    "write": {
        "new": "5/minute;20/hour",
        "guest": "10/minute;60/hour",
        "member": "15/minute;200/hour",
        "staff": "30/minute;600/hour",
    },
    "reaction": {  # reactions and votes
        "new": "30/minute;300/hour",
        "guest": "30/minute;300/hour",
        "member": "60/minute;1000/hour",
        "staff": "120/minute;2000/hour",
    },
    "report": {"new": "5/hour", "guest": "10/hour", "member": "20/hour", "staff": "200/hour"},
    "invitation": {"new": "5/day", "guest": "5/day", "member": "30/day", "staff": "500/day"},
    "endorsement": {"new": "20/day", "guest": "20/day", "member": "60/day", "staff": "200/day"},
    "ask": {"new": "10/hour", "guest": "10/hour", "member": "30/hour", "staff": "60/hour"},
    "api": {
        "anonymous": "30/minute",
        "new": "120/minute",
        "guest": "120/minute",
        "member": "300/minute",
        "staff": "600/minute",
    },
}


def _rate_limits(raw: str) -> dict:
    """The environment's PLEIN_RATE_LIMITS, checked at start-up: a typo must not quietly lift
    a limit."""
    from limits import parse_many

    try:
        given = json.loads(raw or "{}")
        if not isinstance(given, dict) or not all(
            isinstance(tiers, dict)
            and all(isinstance(r, str) and parse_many(r) for r in tiers.values())
            for tiers in given.values()
        ):
            raise ValueError("not an object of objects of rates")
    except ValueError as error:
        raise ImproperlyConfigured(
            f"PLEIN_RATE_LIMITS is not valid ({error}). Give a JSON object such as "
            '{"write": {"new": "3/minute;10/hour"}}.'
        ) from error
    return given


PLEIN_RATE_LIMITS.update(_rate_limits(os.environ.get("PLEIN_RATE_LIMITS", "")))

# Largest attachment to an article, in megabytes.
PLEIN_ATTACHMENT_MAX_MB = int(os.environ.get("PLEIN_ATTACHMENT_MAX_MB", "20"))
# Largest request body with uploads (a story's six 5 MB pictures, an attachment), in megabytes;
# forms and JSON stop at DATA_UPLOAD_MAX_MEMORY_SIZE. Larger bodies answer 413 before they are
# read (intranet.core.middleware.RequestInputMiddleware); Caddy refuses them first (Caddyfile).
PLEIN_REQUEST_MAX_MB = max(
    int(os.environ.get("PLEIN_REQUEST_MAX_MB", "32")), PLEIN_ATTACHMENT_MAX_MB + 1
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MB: stated, as it is a limit
# Articles are due for review this many days after publishing or "still correct".
PLEIN_KNOWLEDGE_REVIEW_DAYS = int(os.environ.get("PLEIN_KNOWLEDGE_REVIEW_DAYS", "180"))

SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "channels",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "intranet.core",
    "intranet.governance",
    "intranet.activity",
    "intranet.search",
    "intranet.moderation",
    "intranet.digests",
    "intranet.tokens",
    "intranet.webhooks",
    "intranet.inbound",
    "intranet.signals",
    "profiles",
    "forums",
    "knowledge",
    "processes",
    "gamification",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "intranet.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "intranet.core.middleware.UserLanguageMiddleware",
    "intranet.core.middleware.LoginRequiredMiddleware",
    "intranet.core.middleware.RequestInputMiddleware",
    "intranet.governance.middleware.PilotMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write refused by a rate limit answers 429 with Retry-After (intranet.core.ratelimit).
    "intranet.core.ratelimit.RetryAfterMiddleware",
    # Administrators (and, if the organisation says so, everyone) need MFA before pages open.
    "intranet.governance.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every use of an access token in the audit log, with the answer it got.
    "intranet.tokens.auth.TokenAuditMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"
ASGI_APPLICATION = "intranet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.core.context_processors.plein",
            ],
        },
    }
]

# --- Database: PostgreSQL only (psycopg 3) ----------------------------------------------------
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an embedded "
        "PostgreSQL), or set DATABASE_URL=postgresql://user:password@host:5432/dbname."
    )
try:
    _database = dj_database_url.parse(os.environ["DATABASE_URL"])
except (ValueError, dj_database_url.UnknownSchemeError) as error:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read ({error}).") from error
if _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgresql://...).")
_database["OPTIONS"] = {"connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))}
if env_bool("PLEIN_DB_POOL", False):
    # The ASGI process runs views in threads that come and go: psycopg's pool keeps
    # connections warm there. (asgi.py turns this on; pool and CONN_MAX_AGE exclude each other.)
    _database["OPTIONS"]["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
        "timeout": 10,
    }
    _database["CONN_MAX_AGE"] = 0
else:
    # WSGI workers, Celery: one persistent connection per thread, checked before reuse.
    _database["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "600"))
    _database["CONN_HEALTH_CHECKS"] = True
if TESTING:
    _database["CONN_MAX_AGE"] = 0
    # One test database per database name, so runs against different DATABASE_URLs on one
    # server (parallel work, CI beside a developer) never drop each other's.
    _test_name = f"test_plein_{_database.get('NAME') or 'default'}"
    _database["TEST"] = {"NAME": os.environ.get("DATABASE_TEST_NAME", _test_name)}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ------------------------------------------------
if not os.environ.get("REDIS_URL"):
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Use `make run` / `make test` (they start an embedded Redis), "
        "or set REDIS_URL=redis://host:6379/0."
    )
REDIS_URL = os.environ["REDIS_URL"]
# One Redis serves several roles; a prefix per installation (and per test run) keeps them apart.
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "plein")


def celery_broker_url(redis_url: str) -> str:
    """kombu spells a unix socket redis+socket:// where redis-py spells it unix://."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CACHES = {
    "default": {
        "BACKEND": "intranet.core.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_PREFIX,
        "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi"},
    }
}
CELERY_BROKER_URL = celery_broker_url(os.environ.get("CELERY_BROKER_URL", REDIS_URL))
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_PREFIX}:celery:"}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Synced into the database schedule when beat starts; administrators may change it there.
CELERY_BEAT_SCHEDULE = {
    # Deliveries whose task was lost (a worker killed mid-flight) are sent again.
    "webhooks-requeue": {"task": "intranet.webhooks.tasks.requeue_due", "schedule": 5 * 60},
    "knowledge-remind-reviews": {
        "task": "knowledge.tasks.remind_reviews",
        "schedule": 24 * 60 * 60,
    },
    # Digests go out at each person's hour: every quarter of an hour, plan who is due.
    "digests-plan": {
        "task": "intranet.digests.tasks.plan_digests",
        "schedule": 15 * 60,
    },
    # The interaction network and adoption phases: once a day, pages read the snapshot.
    "insights-refresh": {
        "task": "insights.tasks.refresh_insights",
        "schedule": 24 * 60 * 60,
    },
    # Owners of signals past their deadline hear of it (once, then weekly).
    "signals-remind-overdue": {
        "task": "intranet.signals.tasks.remind_overdue",
        "schedule": 24 * 60 * 60,
    },
}
CELERY_TASK_ALWAYS_EAGER = False

# --- Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's backend (a ModelBackend) that leaves rules-defined permissions to rules.
    "intranet.core.auth.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "intranet.core.auth.Argon2idHasher",
    # Hashes made before Argon2id (PBKDF2 was Django's default) verify and are upgraded.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if TESTING:
    # Hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "profiles.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "profiles.forms.SignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Plein] "
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Login rate limiting (allauth keeps the counters in the Redis cache): per IP and per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    # Every sign-in, right or wrong, per address: raise it where a whole office signs in at nine
    # from one NAT address (allauth's default is 30 a minute).
    "login": os.environ.get("SIGN_IN_RATE_LIMIT", "30/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
# Sign-up: only these email domains (comma-separated), or with an invitation.
SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_EMAIL_DOMAINS")]
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Plein")

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False


def oidc_apps(raw: str) -> list[dict]:
    """OIDC_PROVIDERS is a JSON list: [{"id": "entra", "name": "Microsoft", "client_id": "...",
    "secret": "...", "server_url": "https://login.microsoftonline.com/<tenant>/v2.0"}]."""
    if not raw.strip():
        return []
    try:
        providers = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"OIDC_PROVIDERS is not valid JSON: {error}") from error
    apps = []
    for provider in providers:
        missing = {"id", "name", "client_id", "server_url"} - provider.keys()
        if missing:
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS entry {provider.get('id', '?')!r} lacks {sorted(missing)}."
            )
        apps.append(
            {
                "provider_id": provider["id"],
                "name": provider["name"],
                "client_id": provider["client_id"],
                "secret": provider.get("secret", ""),
                "settings": {
                    "server_url": provider["server_url"],
                    "oauth_pkce_enabled": True,
                    "scope": ["openid", "profile", "email"],
                },
            }
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": oidc_apps(os.environ.get("OIDC_PROVIDERS", ""))}
}

# --- Email -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Plein <plein@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
# django-anymail (pip install -e '.[providers]'; EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend)
# reads its keys from ANYMAIL_* variables, e.g. ANYMAIL_MAILGUN_API_KEY -> MAILGUN_API_KEY.
ANYMAIL = {k.removeprefix("ANYMAIL_"): v for k, v in os.environ.items() if k.startswith("ANYMAIL_")}
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # `make run` keeps mail in Plein's outbox (administrators read it at /digests/outbox/).
    "intranet.digests.outbox.OutboxBackend"
    if PLEIN_ENV == "development"
    else "django.core.mail.backends.smtp.EmailBackend",
)

# --- Outgoing webhooks (intranet.webhooks) ----------------------------------------------------
# Private and loopback addresses are refused (server-side request forgery) unless allowed here;
# metadata and link-local addresses always are.
PLEIN_WEBHOOKS_ALLOW_PRIVATE = env_bool("PLEIN_WEBHOOKS_ALLOW_PRIVATE", False)
PLEIN_WEBHOOKS_TIMEOUT = int(os.environ.get("PLEIN_WEBHOOKS_TIMEOUT", "10"))
PLEIN_WEBHOOKS_DISABLE_AFTER = int(os.environ.get("PLEIN_WEBHOOKS_DISABLE_AFTER", "10"))
PLEIN_WEBHOOKS_MAX_BYTES = int(os.environ.get("PLEIN_WEBHOOKS_MAX_BYTES", "25000"))

# --- Replies by email (intranet.inbound) -----------------------------------------------------
# Set the domain (its MX pointing at a mail server that pipes to `manage.py receive_email` or
# posts to /inbound/email/) and notification emails carry a signed Reply-To address.
PLEIN_INBOUND_EMAIL_DOMAIN = os.environ.get("PLEIN_INBOUND_EMAIL_DOMAIN", "").strip().lower()
PLEIN_INBOUND_EMAIL_LOCAL = os.environ.get("PLEIN_INBOUND_EMAIL_LOCAL", "reply")
PLEIN_INBOUND_EMAIL_SECRET = os.environ.get("PLEIN_INBOUND_EMAIL_SECRET", "")
PLEIN_INBOUND_REPLY_DAYS = int(os.environ.get("PLEIN_INBOUND_REPLY_DAYS", "30"))
PLEIN_INBOUND_EMAIL_BOUNCE = os.environ.get("PLEIN_INBOUND_EMAIL_BOUNCE", "1") == "1"

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "plein_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Tests serve static files from the finders; no collected directory to look for.
STATIC_ROOT = None if TESTING else Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG

# --- Security ----------------------------------------------------------------------------------
SESSION_COOKIE_NAME = "plein_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # TLS ends at the reverse proxy (docker-compose.yml), which says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Where the browser opens the live-update WebSocket; empty means /ws/ on the page's own host.
WEBSOCKET_URL = os.environ.get("WEBSOCKET_URL", "")
# The client's address behind the reverse proxy (intranet.core.client_ip, the only reader):
# how many proxies of ours append to X-Forwarded-For (docker-compose: 1, Caddy), or a header
# the proxy sets to the client's address. allauth's per-address login limits use the same.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER", "").strip() or None

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # A personal access token (Authorization: Bearer plein_...) or the browser's session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "intranet.tokens.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A token reaches only the areas its scopes name (intranet.tokens.scopes).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "intranet.tokens.auth.TokenScopes",
    ],
    # Reads the serializers an ApiView parses with, so the schema is what the view accepts.
    "DEFAULT_SCHEMA_CLASS": "intranet.core.openapi.Schema",
    # Every refusal as {"detail": sentence, field: [messages]...} (intranet.core.api).
    "EXCEPTION_HANDLER": "intranet.core.api.exception_handler",
    # LimitOffsetPagination with a bounded limit and offset (no database error from ?limit=1e20)
    "DEFAULT_PAGINATION_CLASS": "intranet.core.api.Pagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Throttles count per client address the same way (intranet.core.client_ip).
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    # Every API request counts against the "api" budget of PLEIN_RATE_LIMITS.
    "DEFAULT_THROTTLE_CLASSES": ["intranet.core.ratelimit.ApiThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Plein API",
    "DESCRIPTION": "The API of Plein, the open-source social intranet.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "intranet.tokens.auth.TokenScopes",
    ],
    # The refusals every operation can answer (400, 403, 404, 429 ...), documented in one place.
    "PREPROCESSING_HOOKS": ["intranet.core.openapi.versioned_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "intranet.core.openapi.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {"FieldVisibilityEnum": "profiles.models.FieldVisibility"},
}

# --- Logging: plain lines on stderr; the log is where operators look first --------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
