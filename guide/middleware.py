import logging
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin

from journeys.fields import UndecryptableText

logger = logging.getLogger(__name__)

SESSION_REFRESHED_KEY = "refreshed"
SIGNED_IN_AT_KEY = "signed_in_at"


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PersonalTimeZoneMiddleware:
    """Shows times in the zone the person chose on their account page.

    The profile is read here once per request and stays on `request.user`
    for the views (the role chooses their prompts), so a change made on one
    device shows on every other at its next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = request.user.profile.time_zone if request.user.is_authenticated else ""
        if zone_name:
            timezone.activate(ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivacyHeadersMiddleware(MiddlewareMixin):
    """Headers for every page: features switched off, and nothing stored.

    A signed-in person's pages may show their notes, so none of them is
    kept in a browser's or a proxy's cache (Cache-Control: no-store).
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.NEARER_PERMISSIONS_POLICY
        )

    def process_response(self, request, response):
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if _signed_in(request):
            add_never_cache_headers(response)
        return response


class SessionRefreshMiddleware(MiddlewareMixin):
    """Keeps an active person signed in without a database write per request.

    The session's expiry moves forward only when it was last moved more
    than NEARER_SESSION_REFRESH_SECONDS ago, so an idle session still ends
    SESSION_COOKIE_AGE after the last visit (give or take that interval).
    """

    def process_response(self, request, response):
        if _signed_in(request) and not request.session.is_empty():
            now = int(time.time())
            refreshed = request.session.get(SESSION_REFRESHED_KEY, 0)
            if now - refreshed >= settings.NEARER_SESSION_REFRESH_SECONDS:
                request.session[SESSION_REFRESHED_KEY] = now
        return response


class AllowedMethodsMiddleware(MiddlewareMixin):
    """Every page and download answers GET, HEAD and POST only; anything else gets a 405."""

    ALLOWED = ("GET", "HEAD", "POST")

    def process_request(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return None


class BodySizeLimitMiddleware(MiddlewareMixin):
    """Refuses any request body over DATA_UPLOAD_MAX_MEMORY_SIZE with a 413, before it is read.

    Django's own limit covers form fields but not uploaded files, so a
    multipart body of any size would otherwise be written to disk.
    """

    def process_request(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return render(request, "400.html", status=413)
        return None


class SessionLifetimeMiddleware(MiddlewareMixin):
    """Ends a session NEARER_SESSION_MAX_DAYS after its sign-in, however active.

    The request then goes on signed out, as after an idle expiry: a page
    asks to sign in again, and an autosave answers 401 and leaves the text
    in its box.
    """

    def process_request(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            # Sessions from before this limit count from their next request.
            signed_in_at = request.session.setdefault(SIGNED_IN_AT_KEY, now)
            if now - signed_in_at >= settings.NEARER_SESSION_MAX_SECONDS:
                logout(request)


def remember_sign_in_time(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in (guide/apps.py)."""
    request.session[SIGNED_IN_AT_KEY] = int(time.time())


class UndecryptableTextMiddleware(MiddlewareMixin):
    """A clear page, and a log line without any text, when stored notes cannot be opened.

    That happens only when NEARER_ENCRYPTION_KEYS lacks the key the notes
    were written with; showing the ciphertext or an empty note would be
    worse than saying so.
    """

    def process_exception(self, request, exception):
        if not isinstance(exception, UndecryptableText):
            return None
        logger.error(
            "Stored notes could not be decrypted for %s %s: no key in "
            "NEARER_ENCRYPTION_KEYS opens them.",
            request.method,
            request.path,
        )
        return render(request, "errors/undecryptable.html", status=500)
