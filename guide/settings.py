"""Nearer's settings: one file, read from the environment.

A fresh checkout runs on SQLite with development defaults. With DJANGO_DEBUG
off, the secrets must come from the environment and the site refuses to start
without them. Every variable is listed in the README.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{url!r} is not a full http(s) address.")
    return f"{parts.scheme}://{parts.netloc}"


def required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. It is required when DJANGO_DEBUG is off; see the README."
        )
    return value


def local_development_secrets() -> dict[str, str]:
    """Secrets made once for this checkout by bin/setup, in a git-ignored file."""
    path = BASE_DIR / ".local-secrets.json"
    if not path.exists():
        raise ImproperlyConfigured(
            f"{path.name} is missing: run bin/setup to make it, or set DJANGO_SECRET_KEY "
            "and NEARER_ENCRYPTION_KEYS."
        )
    return json.loads(path.read_text())


DEBUG = envbool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_development_secrets()["secret_key"]
    NEARER_ENCRYPTION_KEYS = envlist("NEARER_ENCRYPTION_KEYS") or [
        local_development_secrets()["encryption_key"]
    ]
    ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    NEARER_ENCRYPTION_KEYS = required("NEARER_ENCRYPTION_KEYS").split(",")
    ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS").split(",")

NEARER_ENCRYPTION_KEYS = [key.strip() for key in NEARER_ENCRYPTION_KEYS if key.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "journeys",
    "guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "guide.middleware.AllowedMethodsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guide.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "guide.middleware.BodySizeLimitMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "guide.middleware.PersonalTimeZoneMiddleware",
    "guide.middleware.PrivacyHeadersMiddleware",
    "guide.middleware.SessionRefreshMiddleware",
    "guide.middleware.UndecryptableTextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "guide.urls"
WSGI_APPLICATION = "guide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guide.context_processors.leave_quickly",
            ],
        },
    },
]

# SQLite is the default: WAL lets readers go on while one writer writes,
# IMMEDIATE transactions take the write lock up front (so a busy database
# waits for the busy timeout instead of failing mid-transaction), and
# synchronous=FULL makes an acknowledged save survive a power cut.
# secure_delete overwrites deleted rows with zeros, so a deleted account's
# notes cannot be read back from the file.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 5,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA secure_delete=ON;"
    ),
}

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("NEARER_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else 600
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "nearer",
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Argon2id at one of OWASP's minimums (guide/hashers.py): Django's default cost made
# 50 sign-ins at once queue for seconds (tests/perf/logins.py). Hashes with
# other parameters still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "guide.hashers.NearerArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Where "Leave this page quickly" (and Shift pressed three times) takes a
# person: a page that gives nothing away to someone looking over their shoulder.
NEARER_EXIT_URL = os.environ.get("NEARER_EXIT_URL", "https://www.bbc.co.uk/weather")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed_out"

# Several failed sign-ins for one username from one address lock that pair
# out for a while; a success resets the count. Wrong partner invitation codes
# are counted the same way (guide.lockout.lockout_parameters).
AXES_FAILURE_LIMIT = envint("NEARER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("NEARER_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "guide.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
# No trail of successful sign-ins (address, browser, time): the privacy page
# promises only the failed ones, for a short while. It also spares every
# sign-in two writes.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_USERNAME_CALLABLE = "guide.lockout.attempted_username"
# The client's address counts from the right of X-Forwarded-For, past the
# proxies we run (guide/lockout.py); the left is whatever the client wrote.
NEARER_PROXY_COUNT = envint("NEARER_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "guide.lockout.client_address"

# Database sessions that know their user (guide/sessions.py), so "Sign out
# everywhere" and account deletion end every session of one person at once.
SESSION_ENGINE = "guide.sessions"
# An idle session ends after 14 days. An active one is pushed forward at most
# once an hour (guide.middleware.SessionRefreshMiddleware), not written on
# every request, which would cost a write per autosave.
SESSION_COOKIE_AGE = int(timedelta(days=envint("NEARER_SESSION_DAYS", 14)).total_seconds())
NEARER_SESSION_REFRESH_SECONDS = 3600
# However active, a session ends this long after signing in (ASVS 7.3.2).
NEARER_SESSION_MAX_SECONDS = int(
    timedelta(days=envint("NEARER_SESSION_MAX_DAYS", 30)).total_seconds()
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Nearer speaks British English for now; every string is marked for
# translation, ready for a second language.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("NEARER_TIME_ZONE", "Europe/London")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "guide.storage.MinifiedManifestStaticFilesStorage"
        )
    },
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    # The quick exit's form, without JavaScript, is redirected there.
    "form-action": [CSP.SELF, origin_of(NEARER_EXIT_URL)],
    "base-uri": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features the site never uses, switched off for every page (guide/middleware.py).
NEARER_PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
# A reflection is at most 20,000 characters: in four-byte characters,
# percent-encoded, that is 240 KB. Bodies over 512 KB, uploads included, are
# refused with a 413 (guide/middleware.py) before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
# The care-team summary posts one field for each reflection chosen, and a
# person who has written for a year may choose hundreds; the body's size
# above bounds what so many fields can cost.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024

# TLS ends at the proxy (nginx), which tells us the original scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("NEARER_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("NEARER_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("NEARER_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo, so it is the operator's choice
        # (NEARER_HSTS_PRELOAD); `check --deploy` stays quiet about it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers take a __Host- cookie only over HTTPS, for this host alone and
    # path /, so no subdomain or plain-HTTP page can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

# Emails are sent once the answer has gone (guide/tasks.py), so a reset for
# an address with an account answers as fast as one for an unknown address.
TASKS = {"default": {"BACKEND": "guide.tasks.AfterResponseBackend"}}
# Per hour (guide/limits.py): reset requests from one address and for one
# email address, and new accounts from one address.
NEARER_RESET_LIMIT_PER_ADDRESS = envint("NEARER_RESET_LIMIT_PER_ADDRESS", 10)
NEARER_RESET_LIMIT_PER_EMAIL = envint("NEARER_RESET_LIMIT_PER_EMAIL", 3)
NEARER_SIGNUP_LIMIT_PER_ADDRESS = envint("NEARER_SIGNUP_LIMIT_PER_ADDRESS", 10)

DEFAULT_FROM_EMAIL = os.environ.get("NEARER_FROM_EMAIL", "Nearer <no-reply@localhost>")
if DEBUG and not os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "guide.mail.ConsoleEmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
            },
        }
    }

# Error reports go here; they never hold note text (guide/logging.py).
ADMINS = envlist("NEARER_ADMIN_EMAILS")

# Note text never reaches a log or an error report: every handler scrubs
# request bodies (guide/logging.py), and error reports hide every POST value
# and every local variable that holds one.
DEFAULT_EXCEPTION_REPORTER_FILTER = "guide.logging.NoteSafeExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "guide.logging.NoteSafeExceptionReporter"
LOG_LEVEL = os.environ.get("NEARER_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_notes": {"()": "guide.logging.ScrubNoteTextFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub_notes"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["scrub_notes"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {
            "handlers": ["console", "mail_admins"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        # django-axes tells at INFO who signed in or out and from where: no
        # trail of sign-ins is kept. Lockouts (WARNING) are still logged.
        "axes": {"level": "WARNING"},
        # A bad Host, a body over the limit or a forged cookie come from
        # anyone and answer 400: a line in the log, never an email each.
        "django.security": {
            "handlers": ["console"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        # The summary PDF's maker reports each step of every document at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

FORM_RENDERER = "guide.renderers.NearerFormRenderer"
