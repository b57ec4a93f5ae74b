from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from guide.middleware import TIME_ZONE_SESSION_KEY
from journeys.models import ROLE_SESSION_KEY, profile_for


@receiver(user_logged_in)
def remember_profile(sender, request, user, **kwargs) -> None:
    """Copies the time zone and role into the session, so pages read them without a query."""
    profile = profile_for(user)
    request.session[TIME_ZONE_SESSION_KEY] = profile.time_zone
    request.session[ROLE_SESSION_KEY] = profile.role
