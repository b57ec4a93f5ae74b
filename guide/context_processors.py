from django.conf import settings
from django.http import HttpRequest


def leave_quickly(request: HttpRequest) -> dict[str, str]:
    """The neutral page every page's "Leave this page quickly" button goes to."""
    return {"exit_url": settings.NEARER_EXIT_URL}
