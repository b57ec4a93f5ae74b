from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from guide import helplines
from guide.forms import SignUpForm
from guide.limits import over_limit_from
from journeys.models import CheckIn, Journey, Reflection, Stage, suggested_next


def _where_i_left_off(user, journey: Journey) -> dict:
    latest = (
        Reflection.objects.for_user(user)
        .filter(
            prompt__stage__journey=journey,
            prompt__stage__published=True,
            prompt__stage__retired=False,
        )
        .select_related("prompt__stage__journey")
        .first()
    )
    last_check_in = CheckIn.objects.for_user(user).filter(journey=journey).first()
    stages = []
    if not latest:
        stages = list(
            Stage.objects.published()
            .filter(journey=journey)
            .with_status_for(user)
            .select_related("journey")
        )
    return {
        "latest": latest,
        "suggested": suggested_next(stages),
        "last_check_in": last_check_in,
        # Nothing written, checked in or marked yet: greeted as new, not "back".
        "new_here": not latest and not last_check_in and not any(s.status for s in stages),
    }


def home(request: HttpRequest) -> HttpResponse:
    journey = Journey.objects.published().first()
    ctx = {"journey": journey}
    if request.user.is_authenticated and journey:
        ctx |= _where_i_left_off(request.user, journey)
    return render(request, "home.html", ctx)


@require_POST
def leave_quickly(request: HttpRequest) -> HttpResponse:
    """Signs the person out and sends them to the neutral page.

    The button's own script (static/js/leave-quickly.js) calls this in the
    background and replaces the page in the browser's history; without
    JavaScript the button's form posts here and the redirect does the rest.
    """
    logout(request)
    return redirect(settings.NEARER_EXIT_URL)


@require_safe
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signed_out.html")


@require_safe
@login_required
def open_journey(request: HttpRequest, page: str) -> HttpResponse:
    """The header's links to the journey and its check-ins, which live under
    the journey's own address; resolved only when followed, so no page pays
    a query for its header."""
    journey = Journey.objects.published().first()
    if journey is None:
        return redirect("home")
    return redirect(page, journey.slug)


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    country = helplines.country_for(
        request.GET.get("country", ""), timezone.get_current_timezone_name()
    )
    ctx = {"country": country, "countries": helplines.countries().values()}
    return render(request, "help.html", ctx)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy.html")


@sensitive_post_parameters("password1", "password2")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit_from(request, "signup-from", settings.NEARER_SIGNUP_LIMIT_PER_ADDRESS):
            form.add_error(
                None, _("Too many accounts were made from here. Please try again in an hour.")
            )
            return render(request, "registration/signup.html", {"form": form}, status=429)
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For a proxy or a monitor: is this server up and can it reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
