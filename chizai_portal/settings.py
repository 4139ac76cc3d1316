"""Settings of the portal, all read from the environment.

DATABASE_URL  sqlite:///… (default: db.sqlite3 in the project folder) or postgres://…
SECRET_KEY    required when DEBUG is off
DEBUG         true/false (default true: the embedded development set-up)
ALLOWED_HOSTS comma-separated (default: localhost names while DEBUG is on)
PORTAL_HTTPS  true/false (default: true when DEBUG is off): HTTPS redirect, secure cookies, HSTS
STATIC_ROOT   where `collectstatic` puts the static files (default: staticfiles/ in the project folder)
REVERSE_PROXY_COUNT  proxies in front of gunicorn that add the client's address to X-Forwarded-For (default 0)
The README's "Configuration" section lists every variable.
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chizai_portal.env import env_addresses, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-used-when-debug-is-off"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
# Origins (scheme://host[:port]) whose POSTs are accepted besides the portal's own host, e.g. when a
# reverse proxy answers under another name.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    # Log-in throttling (failures per user name and per client address) and the Content-Security-Policy
    # header: see SECURITY.md.
    "axes",
    "csp",
    # Only for its Japanese messages (an app's locale/ is found when the app is installed).
    "django_zxcvbn_password_validator",
    # Two-factor log-in (chizai_portal/second_factor.py): TOTP devices and backup codes, and the pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "regions",
    "plans",
    "kpis",
    "reports",
]

MIDDLEWARE = [
    # First: every log line of the request, and its response, carry the request's id (chizai_portal/logs.py).
    "chizai_portal.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (compressed, cached for a year under hashed names) straight from each process.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # SQLite: a GET's transaction reads without taking the write lock (chizai_portal/sqlite_reads.py).
    "chizai_portal.sqlite_reads.DeferredReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session's log-in gave a second factor (django-otp), and who must have given one.
    "django_otp.middleware.OTPMiddleware",
    "chizai_portal.second_factor.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Under DEBUG too, a missing page is the portal's Japanese 404, not Django's technical one.
    "chizai_portal.error_pages.PortalNotFoundMiddleware",
    # A race lost on the database's lock answers the "changed meanwhile" page (409), not a 500.
    "chizai_portal.conflicts.ConflictMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # The Content-Security-Policy header on every response (django-csp; Django 5.2 has none of its own).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: answers a locked-out log-in with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chizai_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reports.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "chizai_portal.wsgi.application"
ASGI_APPLICATION = "chizai_portal.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
# Every request that writes is one transaction: a failed validation or an error half-way changes nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# SQLite (the embedded default) with several writers: every transaction takes the write lock at BEGIN
# (IMMEDIATE), so a second writer waits for the first to commit (up to SQLITE_BUSY_TIMEOUT seconds)
# instead of failing with "database is locked" when it first writes; WAL lets readers go on meanwhile,
# and a GET's transaction starts DEFERRED, taking no write lock (chizai_portal/sqlite_reads.py).
# A wait that still runs out is answered with the "changed meanwhile" page (409), never a 500
# (chizai_portal/conflicts.py).
SQLITE_BUSY_TIMEOUT = env_int("SQLITE_BUSY_TIMEOUT", 20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    # Tests use a file, not SQLite's in-memory database: connections of other threads (the concurrency
    # tests, the live server) must wait for each other as the server's do. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"chizai-portal-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process and host that uses the same database: dashboard content is cached here
# and invalidated by one data version (reports/dashboards/caching.py). `manage.py createcachetable` makes it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Passwords: at least 15 characters (NIST SP 800-63B-4 for passwords used alone, as for the roles that
# need no second factor), no composition rules, none of the common, all-digit or easily guessed ones
# (zxcvbn), nothing like the user's name.
# The messages are Japanese (Django's own and the zxcvbn validator's). Applied wherever a password is set through a form (the
# admin, createsuperuser, changepassword).
PASSWORD_MIN_LENGTH = 15
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # How long an attacker would need to guess it (zxcvbn: repeats, keyboard rows, words, dates, the
    # user's own names), beside the length: `passwordpassword` is long enough and still refused.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score, 0–4: 3 is "not guessable without a copy of the password database".
PASSWORD_MINIMAL_STRENGTH = 3


def _proxy_count(raw: str) -> int:
    if not raw.strip().isdigit():
        raise ImproperlyConfigured(
            f"REVERSE_PROXY_COUNT must be a whole number (0 without a proxy), not {raw!r}"
        )
    return int(raw)


# django-axes checks every log-in attempt before the password is; Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are kept in the database, shared by every gunicorn process and host. A user name is locked
# after 5 failures, a client address after 30 (an office or a government network gateway is
# one address for many people), each until 15 minutes have passed without a failure. Unknown user names
# are counted like known ones, so a lock-out tells nothing about which names exist.
AXES_HANDLER = "chizai_portal.login_security.PortalAxesHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = 5
PORTAL_ADDRESS_FAILURE_LIMIT = 30
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
# A success does not wipe the failures: it would let anyone with an account reset the count of the
# address they share with someone trying other names.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "chizai_portal.login_security.locked_out"
AXES_COOLOFF_MESSAGE = _(
    "ログインの失敗が続いたため、しばらくログインできません。時間をおいてお試しください。"
)
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
# The client's address: REMOTE_ADDR, or, behind REVERSE_PROXY_COUNT proxies that each append to
# X-Forwarded-For, the address the outermost of them saw (entries a client wrote itself are ignored).
REVERSE_PROXY_COUNT = _proxy_count(env_str("REVERSE_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "chizai_portal.login_security.client_ip"

# Two-factor log-in (chizai_portal/second_factor.py, SECURITY.md): required for administrators, central
# staff and bureau staff whenever DEBUG is off (TWO_FACTOR_REQUIRED=true also asks for it with DEBUG on,
# for a try-out), and for prefecture officers too with TWO_FACTOR_FOR_OFFICERS=true.
TWO_FACTOR_REQUIRED = not DEBUG or env_bool("TWO_FACTOR_REQUIRED", False)
TWO_FACTOR_FOR_OFFICERS = env_bool("TWO_FACTOR_FOR_OFFICERS", False)
# The authenticator app shows the portal's name beside the account.
OTP_TOTP_ISSUER = "知財KPIポータル"
# The admin never shows a device's secret or its QR code: only its owner enrols it.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Codes are asked at every log-in: no "remember this browser" cookie.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
# Ten minutes between the password and the code; then the log-in starts again.
TWO_FACTOR_LOGIN_TIMEOUT = 600
# The admin keeps its own log-in page (throttled by django-axes like the portal's); whoever needs a second
# factor and signed in there reaches nothing until giving it (SecondFactorRequiredMiddleware).
TWO_FACTOR_PATCH_ADMIN = False

# A session ends when the browser closes, and in any case 8 hours after the log-in (a working day): the
# session is stored once at log-in and nothing in the portal writes to it afterwards, so the expiry is
# not pushed back by activity. `manage.py clearsessions` removes expired ones (nightly).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("英語"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "chizai_portal.staticfinders.PlotlyJsFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With DEBUG off, `collectstatic` writes every file under a content-hashed name plus gzip copies and
    # a manifest, and pages link to the hashed names (cached by browsers for a year). With DEBUG on
    # (development, tests) files are served as they are, no `collectstatic` needed.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Decided when the settings are read (the test runner turns DEBUG off later): with DEBUG on, WhiteNoise
# looks files up through the finders on every request instead of reading STATIC_ROOT once.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
# Pages only ever link to the hashed names: the plain copies would double STATIC_ROOT and the time
# `collectstatic` spends compressing (plotly.min.js alone is 4.8 MB).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Plausibility warnings on a half's value (kpis/rules/plausibility.py): more than this many times
# the largest earlier half, or the half's pace, needs an explanation (the value is not refused).
PLAUSIBILITY_HISTORY_FACTOR = 3
PLAUSIBILITY_PACE_FACTOR = 5

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Imports larger than this are refused before parsing.
IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Formula escaping (= + - @ tab CR) is done by kpis.export's own CSV/XLSX formats; the library's
# setting only strips "=" and turns numbers into text, so it stays off.

# E-mail (reminders): printed to the console unless an SMTP server is configured.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(env_str("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_str("EMAIL_USE_TLS", "true").lower() in ("1", "true", "yes")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chizai-portal@localhost")
# The sender of the error mails to ADMINS.
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The portal's address in e-mails (reminders link to the report page).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# HTTPS. On by default whenever DEBUG is off; PORTAL_HTTPS=false only for a try-out over plain http on
# one's own machine (`make serve`), where secure cookies would make logging in impossible.
PORTAL_HTTPS = env_bool("PORTAL_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PORTAL_HTTPS)
SESSION_COOKIE_SECURE = PORTAL_HTTPS
CSRF_COOKIE_SECURE = PORTAL_HTTPS
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000")) if PORTAL_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Entering the browsers' HSTS preload list is a decision for the owner of the whole domain, not a
    # setting of one service on it: `check --deploy` stays quiet about it until SECURE_HSTS_PRELOAD=true.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]


def _proxy_ssl_header(raw: list[str]) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` or `X-Forwarded-Proto,https` → ("HTTP_X_FORWARDED_PROTO", "https")."""
    if not raw:
        return None
    if len(raw) > 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be a header name and, optionally, a value")
    name = raw[0].upper().replace("-", "_")
    if not name.startswith("HTTP_"):
        name = "HTTP_" + name
    return name, raw[1] if len(raw) == 2 else "https"


# Behind a load balancer or reverse proxy that ends TLS, the header it sets on HTTPS requests. Set it only
# when the proxy always sets (or removes) that header: a client could otherwise claim HTTPS.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_list("SECURE_PROXY_SSL_HEADER", []))
SESSION_COOKIE_HTTPONLY = True
# No script of the portal reads the CSRF cookie (forms carry the token).
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, fonts, images and requests from the portal
# itself only; no inline script or style, no eval, no CDN. The pages carry no inline <script> (figures
# are JSON in `json_script`, drawn by reports/static/reports/charts.js) and no style attribute; plotly.js's
# own style rules come from a static style sheet (reports/static/reports/plotly.css) instead of the
# <style> elements it would otherwise insert. img-src allows blob: for the chart's "download as image"
# (plotly.js draws the picture from a blob: address it makes itself). SECURITY.md explains each directive.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# History records keep the whole reason (a return comment or a revision's reason can be long).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- logging --------------------------------------------------------------------------------------
# One JSON line per event on stderr (beside gunicorn's error log), with the request's id, method, path
# and user id, and a server error's traceback inside its line; never passwords, session ids, cookies or
# form values (chizai_portal/logs.py). LOG_LEVEL: DEBUG, INFO (default), WARNING, ERROR. With DEBUG
# off, server errors are also mailed to ADMINS ("Name <address>, address", comma-separated) when set.
LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "INFO")
ADMINS = env_addresses("ADMINS")
DEFAULT_EXCEPTION_REPORTER_FILTER = "chizai_portal.logs.PortalExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"json_line": {"()": "chizai_portal.logs.JsonLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json_line",
            "level": LOG_LEVEL,
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "include_html": False,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own: request errors (4xx warnings, 5xx errors with the traceback), security events
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        "django.security": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # every SQL statement at DEBUG would carry the values typed into forms
        "django.db.backends": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
