import ipaddress
import logging

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.http import HttpRequest

from journeys.partners import CODE_ATTEMPTS_OF_ACCOUNT

logger = logging.getLogger(__name__)

CODE_ATTEMPTS_OF_ACCOUNT_PREFIX = CODE_ATTEMPTS_OF_ACCOUNT.removesuffix("{pk}")
# Sign-in forms do not enforce a username's length before authenticating, so
# a failed attempt may carry any length; the attempt tables store at most this.
STORED_USERNAME_LENGTH = min(
    AccessAttempt._meta.get_field("username").max_length,
    AccessFailureLog._meta.get_field("username").max_length,
)


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username a sign-in tried, as django-axes counts it."""
    source = credentials or request.POST
    return (source.get("username") or "")[:STORED_USERNAME_LENGTH]


def _readable(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, as the nearest trusted proxy saw it.

    Each of the NEARER_PROXY_COUNT proxies appends the address it was
    reached from to X-Forwarded-For, so the client's address is that many
    places from the right; anything further left was written by the client
    and could be anything. When that place cannot be read (a proxy that
    sends no header, or fewer proxies than configured), the address of the
    connection itself is used, so such requests stay apart by where they
    came from instead of sharing one empty address.
    """
    count = settings.NEARER_PROXY_COUNT
    if count:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        address = _readable(hops[-count]) if len(hops) >= count else None
        if address:
            return address
        logger.warning(
            "X-Forwarded-For has no readable address %s from the right "
            "(NEARER_PROXY_COUNT=%s); using the connection's address.",
            count,
            count,
        )
    return _readable(request.META.get("REMOTE_ADDR", ""))


def lockout_parameters(request: HttpRequest, credentials: dict | None = None) -> list:
    """Sign-in counts failures per username and address together; wrong
    partner codes count once for the account wherever they come from (see
    journeys.partners.code_attempt_names)."""
    if attempted_username(request, credentials).startswith(CODE_ATTEMPTS_OF_ACCOUNT_PREFIX):
        return ["username"]
    return [["username", "ip_address"]]
