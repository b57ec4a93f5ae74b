from zoneinfo import ZoneInfo

from django.utils import timezone

TIME_ZONE_SESSION_KEY = "time_zone"


class PersonalTimeZoneMiddleware:
    """Shows times in the zone the person chose on their account page.

    The zone is copied into the session at sign-in and when it changes, so
    reading it costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = request.session.get(TIME_ZONE_SESSION_KEY)
        if zone_name:
            timezone.activate(ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        return self.get_response(request)
