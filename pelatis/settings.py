"""Pelatis settings, read from the environment with safe embedded defaults.

Every knob is a ``PELATIS_*`` variable; see ``.env.example``. A malformed value
raises ImproperlyConfigured instead of being guessed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pelatis.conf import observability as _observability
from pelatis.conf import storage as _storage
from pelatis.conf import tasks as _tasks

# Generic admin and form classes (ModelAdmin[Ticket]) subscript at run time as they do for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_str(name: str, default: str = "") -> str:
    """A string, or the contents of the file named by ``NAME_FILE`` (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def embedded_secret_key(data_dir: Path) -> str:
    """The key kept in ``data_dir/secret_key``, made (random, mode 0600) on the first run.

    The file is written under a temporary name and linked into place, so two
    processes starting together never read a half-written key: whichever link
    lands first wins and both go on with that key.
    """
    path = data_dir / "secret_key"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            temporary = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                    out.write(secrets.token_urlsafe(50) + "\n")
                    out.flush()
                    os.fsync(out.fileno())
                with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                    os.link(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"No PELATIS_SECRET_KEY is set and the generated key in {path} cannot be made or read: {exc}"
        ) from exc
    if len(key) < 32:
        raise ImproperlyConfigured(f"{path} holds no usable secret key: delete it to make a new one")
    return key


# "embedded" is the zero-set-up default (SQLite next to the code, a secret
# generated into the data folder); "production" demands a real secret and
# hosts and turns on every security header so that `check --deploy` is clean.
# DEBUG is off in both unless PELATIS_DEBUG=true.
MODE = env_str("PELATIS_MODE", "embedded")
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"PELATIS_MODE must be embedded or production, not {MODE!r}")
PRODUCTION = MODE == "production"

DATA_DIR = Path(env_str("PELATIS_DATA_DIR", str(PROJECT_DIR / "var")))

SECRET_KEY = env_str("PELATIS_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("PELATIS_SECRET_KEY is required in production mode")
    SECRET_KEY = embedded_secret_key(DATA_DIR)

DEBUG = env_bool("PELATIS_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "PELATIS_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PELATIS_ALLOWED_HOSTS is required in production mode")
CSRF_TRUSTED_ORIGINS = env_list("PELATIS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pelatis.core",
    "pelatis.accounts",
    "pelatis.customers",
    "pelatis.privacy",
    "pelatis.helpdesk",
    "pelatis.channels",
    "pelatis.feedback",
    "pelatis.loyalty",
    "pelatis.engagement",
    "pelatis.analytics",
    "pelatis.web",
]

MIDDLEWARE = [
    "pelatis.web.metrics.RequestMetricsMiddleware",  # times everything below it, for /metrics
    "pelatis.web.requestid.RequestIdMiddleware",  # X-Request-ID in, out, and on every log line
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pelatis.web.middleware.BusinessLocaleMiddleware",
    "pelatis.web.middleware.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pelatis.accounts.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pelatis.urls"
WSGI_APPLICATION = "pelatis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pelatis.web.status.system_context",
            ],
        },
    },
]

# Every SQLite database, the default one or one named by PELATIS_DATABASE_URL,
# gets these: WAL lets readers go on while one writer writes; IMMEDIATE
# transactions take the write lock up front, so two writers queue (for up to
# `timeout` seconds) instead of failing half-way with "database is locked".
SQLITE_OPTIONS: dict[str, object] = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    # secure_delete: deleted text (an erasure's) is overwritten, not left in free pages until VACUUM.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
    "PRAGMA secure_delete=ON;",
}


def database_from_url(url: str, *, conn_max_age: int) -> dict[str, object]:
    """A DATABASES entry for ``url``; a SQLite one gets SQLITE_OPTIONS (what the URL sets itself wins)."""
    try:
        database: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"PELATIS_DATABASE_URL is not a valid database URL: {exc}") from exc
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        options = dict(SQLITE_OPTIONS)
        given = database.get("OPTIONS")
        options.update(given if isinstance(given, dict) else {})
        database["OPTIONS"] = options
        name = str(database.get("NAME") or "")
        if name and name != ":memory:" and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not the folder
    return database


DATABASE_URL = env_str("PELATIS_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": database_from_url(DATABASE_URL, conn_max_age=env_int("PELATIS_DB_CONN_MAX_AGE", 60))
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not the folder
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "pelatis.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# A streaming replica of the primary: the dashboard, exports and segment counts read from it (see
# pelatis.core.dbrouter); writes never go there.
DATABASE_REPLICA_URL = env_str("PELATIS_DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(
        DATABASE_REPLICA_URL, conn_max_age=env_int("PELATIS_DB_CONN_MAX_AGE", 60)
    )
DATABASE_ROUTERS = ["pelatis.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# After log-in each role lands where its work is (pelatis.web.onboarding.landing_url).
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env_str("PELATIS_LANGUAGE", "el")
LANGUAGES = [("el", _("Greek")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("PELATIS_TIME_ZONE", "Europe/Athens")
USE_I18N = True
USE_TZ = True

# Customer-facing defaults: the region phone numbers without a country code
# belong to, and the currency of orders that do not name one.
PELATIS_DEFAULT_REGION = env_str("PELATIS_DEFAULT_REGION", "GR")
PELATIS_DEFAULT_CURRENCY = env_str("PELATIS_DEFAULT_CURRENCY", "EUR")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = (
    [("vendor", PROJECT_DIR / "node_modules")] if (PROJECT_DIR / "node_modules").exists() else []
)
STORAGES: dict[str, dict[str, Any]] = {
    # local disk (MEDIA_ROOT), or an S3-compatible object store with PELATIS_STORAGE_URL=s3://bucket/prefix
    "default": _storage.default_storage(
        env_str("PELATIS_STORAGE_URL"),
        access_key=env_str("PELATIS_STORAGE_ACCESS_KEY"),
        secret_key=env_str("PELATIS_STORAGE_SECRET_KEY"),
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body (JSON, a form) the server reads; a bigger one gets
# 413. A file upload (multipart) may be as big as an import file plus its form.
PELATIS_MAX_BODY_BYTES = env_int("PELATIS_MAX_BODY_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = PELATIS_MAX_BODY_BYTES
PELATIS_IMPORT_MAX_BYTES = env_int("PELATIS_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# An XLSX is a zip: the unpacked size is capped before it is read, and so are the rows of any file.
PELATIS_IMPORT_MAX_EXPANDED_BYTES = env_int("PELATIS_IMPORT_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
PELATIS_IMPORT_MAX_ROWS = env_int("PELATIS_IMPORT_MAX_ROWS", 1_000_000)
# An import can be undone from its page for this many days; an upload never confirmed is deleted after that many.
PELATIS_IMPORT_UNDO_DAYS = env_int("PELATIS_IMPORT_UNDO_DAYS", 30)
PELATIS_IMPORT_KEEP_UPLOAD_DAYS = env_int("PELATIS_IMPORT_KEEP_UPLOAD_DAYS", 7)
# The longest reply or note (characters) an agent can send.
PELATIS_MESSAGE_MAX_CHARS = env_int("PELATIS_MESSAGE_MAX_CHARS", 50_000)
PELATIS_MAX_UPLOAD_BYTES = max(PELATIS_MAX_BODY_BYTES, PELATIS_IMPORT_MAX_BYTES + 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
# A staff session ends after this many minutes without a request (a work day by default); the
# cookie itself never outlives a fortnight.
PELATIS_SESSION_IDLE_MINUTES = env_int("PELATIS_SESSION_IDLE_MINUTES", 8 * 60)
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Two-factor log-in: "admins" (the default) requires it of admins, "all" of every role, "none" of nobody.
PELATIS_2FA_REQUIRED = env_str("PELATIS_2FA_REQUIRED", "admins")
OTP_TOTP_ISSUER = "Pelatis"

# Content-Security-Policy on every response: our own origin only, no inline script, no third party.
# PELATIS_CSP_REPORT_ONLY=true sends it as Content-Security-Policy-Report-Only (to trial a change).
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
if env_bool("PELATIS_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("PELATIS_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("PELATIS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Outgoing mail goes to the mail server PELATIS_EMAIL_HOST names; with none set it is kept in the in-app
# outbox (/outbox/), where staff read each email as the customer would. PELATIS_EMAIL_BACKEND overrides both.
EMAIL_BACKEND = env_str(
    "PELATIS_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("PELATIS_EMAIL_HOST")
    else "pelatis.channels.outbox.OutboxBackend",
)
EMAIL_HOST = env_str("PELATIS_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("PELATIS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("PELATIS_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("PELATIS_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("PELATIS_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("PELATIS_EMAIL_FROM", "Pelatis <pelatis@localhost>")
# Seconds an SMTP conversation may stall before the send fails (and is retried with the same Message-ID).
EMAIL_TIMEOUT = env_int("PELATIS_EMAIL_TIMEOUT", 20)
# Tries before an email is given up and shown as not delivered (2, 4, 8… minutes apart).
PELATIS_EMAIL_MAX_ATTEMPTS = env_int("PELATIS_EMAIL_MAX_ATTEMPTS", 8)

# Who may read /metrics (Prometheus): these addresses or networks, reached directly (not through a
# proxy), or a request with "Authorization: Bearer PELATIS_METRICS_TOKEN"; everyone else gets 404.
PELATIS_METRICS_ALLOW = env_list("PELATIS_METRICS_ALLOW", ["127.0.0.1", "::1"])
PELATIS_METRICS_TOKEN = env_str("PELATIS_METRICS_TOKEN")
# Plain lines, or one JSON object per line with PELATIS_LOG_FORMAT=json (for a log collector).
LOGGING = _observability.logging_settings(
    env_str("PELATIS_LOG_FORMAT", "plain"), env_str("PELATIS_LOG_LEVEL", "INFO")
)

# Throttling of public and token endpoints (requests per minute per client).
PELATIS_API_RATE_PER_MINUTE = env_int("PELATIS_API_RATE_PER_MINUTE", 600)
# The cache holds rate-limit counters, so every web process must see the same
# one: the database (its table is made by `migrate`) unless PELATIS_CACHE_URL
# names a Redis server (redis://, rediss:// or unix://).
CACHE_URL = env_str("PELATIS_CACHE_URL")
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"PELATIS_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "pelatis",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "pelatis.core.cache.DatabaseCache", "LOCATION": "pelatis_cache"}}

# Staff and admin log-in: django-axes counts failures in the database (so the
# count holds across processes) and locks a username at one address after
# PELATIS_LOGIN_FAILURE_LIMIT failures for PELATIS_LOGIN_COOLOFF_MINUTES;
# administrators unlock sooner by deleting the attempt in the admin.
AXES_FAILURE_LIMIT = env_int("PELATIS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("PELATIS_LOGIN_COOLOFF_MINUTES", 15))
# Username and address together: a stranger cannot lock staff out from their
# own desks by typing their usernames, and each guesser is stopped.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pelatis.accounts.lockout.lockout_response"
# The peer address, as the public rate limits use it (see pelatis.core.ratelimit).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_VERBOSE = False

# In the embedded set-up whitenoise serves static files straight from the
# app folders and node_modules, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Background work: the Django Tasks API; the database backend needs no broker
# and `pelatis worker` runs it. PELATIS_TASKS_BACKEND=rq with PELATIS_REDIS_URL
# puts the tasks on RQ (Redis) for larger installs; `pelatis worker` runs that too.
PELATIS_REDIS_URL = env_str("PELATIS_REDIS_URL")
_task_settings = _tasks.task_settings(env_str("PELATIS_TASKS_BACKEND", "database"), PELATIS_REDIS_URL)
TASKS = _task_settings.tasks
RQ_QUEUES = _task_settings.rq_queues
INSTALLED_APPS += [app for app in _task_settings.apps if app not in INSTALLED_APPS]
# django-rq's own admin dashboard (job arguments, requeue and delete buttons) stays off: the queue is
# watched through /status/ and /metrics, and its jobs are managed by `pelatis worker`.
RQ_SHOW_ADMIN_LINK = False
# Where customers reach this install: links in emails (ratings) are built on it.
PELATIS_BASE_URL = env_str("PELATIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reviews and mentions posted by connectors to /feedback/hooks/reviews/ are signed with this secret
# (HMAC-SHA256 of "<X-Pelatis-Timestamp>.<body>" in X-Pelatis-Signature, the timestamp within 5 minutes of
# the server's clock); without it the webhook is closed (503).
PELATIS_REVIEW_WEBHOOK_SECRET = env_str("PELATIS_REVIEW_WEBHOOK_SECRET", "")
# Engagement: marketing messages per customer per week across all campaigns and journeys (service
# messages are not counted), and the hours, in each customer's time zone, when nothing is sent.
PELATIS_ENGAGEMENT_MAX_PER_WEEK = env_int("PELATIS_ENGAGEMENT_MAX_PER_WEEK", 3)
PELATIS_QUIET_HOURS = env_str("PELATIS_QUIET_HOURS", "21:00-09:00")
# SMS: "console" (logged without the number), "file" (one JSON line per SMS in PELATIS_SMS_DIR) or
# "http" (a generic gateway: JSON {to, text, sender} POSTed to PELATIS_SMS_URL with PELATIS_SMS_TOKEN).
PELATIS_SMS_BACKEND = env_str("PELATIS_SMS_BACKEND", "console")
PELATIS_SMS_URL = env_str("PELATIS_SMS_URL", "")
PELATIS_SMS_TOKEN = env_str("PELATIS_SMS_TOKEN", "")
PELATIS_SMS_SENDER = env_str("PELATIS_SMS_SENDER", "Pelatis")
PELATIS_SMS_DIR = env_str("PELATIS_SMS_DIR", str(DATA_DIR / "sms"))
PELATIS_SMS_TIMEOUT = env_int("PELATIS_SMS_TIMEOUT", 10)
# SMS templates longer than this many parts are warned about; national numbers are read in this region.
PELATIS_SMS_MAX_PARTS = env_int("PELATIS_SMS_MAX_PARTS", 3)
PELATIS_SMS_REGION = env_str("PELATIS_SMS_REGION", "GR")
PELATIS_WORKER_INTERVALS = {
    "csat_surveys": 300,  # seconds between runs of each periodic job
    "mail_poll": env_int("PELATIS_MAIL_POLL_SECONDS", 60),
    "sla_scan": 60,
    "outbound_retry": 120,
    "acknowledgements": 120,
    "follow_ups": 300,
    "nps_surveys": 3600,
    "metrics_refresh": env_int("PELATIS_METRICS_REFRESH_SECONDS", 600),
    "customer_values": 3600,  # checks hourly, rescoring once a day
    "loyalty_tiers": 3600,
    "loyalty_expiry_warnings": 3600,
    "recommendations": 3600,  # bought-together pairs; recomputed when older than 6 hours
    "privacy_overdue": 900,  # data-subject requests past their deadline: one email to managers each
    "retention": 3600,  # the policies below; a real run happens at most once a day
}

# Retention policies (pelatis retention [--dry-run]; the worker runs them daily). 0 switches one off.
# Customers with no sign of life for this many years are anonymised (erased): off unless set.
PELATIS_RETENTION_INACTIVE_YEARS = env_int("PELATIS_RETENTION_INACTIVE_YEARS", 0)
# Quarantined inbound mail and outbox copies are deleted after this many days.
PELATIS_RETENTION_MAIL_DAYS = env_int("PELATIS_RETENTION_MAIL_DAYS", 90)
# Survey links stop taking answers this many days after the survey was sent (they never outlive 30).
PELATIS_RETENTION_SURVEY_TOKEN_DAYS = env_int("PELATIS_RETENTION_SURVEY_TOKEN_DAYS", 60)
