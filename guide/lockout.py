from axes.models import AccessAttempt, AccessFailureLog
from django.http import HttpRequest

# Sign-in forms do not enforce a username's length before authenticating, so
# a failed attempt may carry any length; the attempt tables store at most this.
STORED_USERNAME_LENGTH = min(
    AccessAttempt._meta.get_field("username").max_length,
    AccessFailureLog._meta.get_field("username").max_length,
)


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username a sign-in tried, as django-axes counts it."""
    source = credentials if credentials else request.POST
    return (source.get("username") or "")[:STORED_USERNAME_LENGTH]
