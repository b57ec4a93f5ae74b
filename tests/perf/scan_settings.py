"""Nearer's production settings, for the wapiti scan only (tests/perf/scan.sh).

The scan talks plain HTTP to 127.0.0.1, so cookies cannot be Secure (the
scanner would drop its session and every form's CSRF cookie), nor so named
__Host-, and nothing
redirects to HTTPS. Static files are served from the source folders, so no
collectstatic is needed. Everything else is as in production.
"""

from guide.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# A __Host- cookie must be Secure.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
