from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from guide.middleware import TIME_ZONE_SESSION_KEY
from journeys.models import profile_for


@receiver(user_logged_in)
def remember_time_zone(sender, request, user, **kwargs) -> None:
    request.session[TIME_ZONE_SESSION_KEY] = profile_for(user).time_zone
