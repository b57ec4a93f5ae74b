from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from journeys.charts import readiness_chart
from journeys.forms import CheckInForm
from journeys.models import CheckIn, Journey
from journeys.views.signed_in import signed_in

# About a year of daily check-ins: enough to see how someone moved, while the
# page stays light on a phone. The export holds every one.
HISTORY_LIMIT = 365


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _published_journey(slug: str) -> Journey:
    return get_object_or_404(Journey.objects.published(), slug=slug)


def _history(request: HttpRequest, journey: Journey) -> dict:
    recent = list(
        CheckIn.objects.for_user(request.user).filter(journey=journey)[: HISTORY_LIMIT + 1]
    )
    shown = recent[:HISTORY_LIMIT]
    return {
        "check_ins": shown,
        "more_than_shown": len(recent) > HISTORY_LIMIT,
        "chart": readiness_chart(shown),
    }


@sensitive_post_parameters("note")
@signed_in(signed_out_partial="journeys/check_ins.html#signed-out")
@require_http_methods(["GET", "POST"])
def check_ins(request: HtmxHttpRequest, journey_slug: str) -> HttpResponse:
    journey = _published_journey(journey_slug)
    form = CheckInForm(request.POST if request.method == "POST" else None)
    saved = None
    if form.is_bound and form.is_valid():
        saved = form.save(commit=False)
        saved.user, saved.journey = request.user, journey
        saved.save()
        if not request.htmx:
            messages.success(request, _("Thank you. Your check-in is saved."))
            return redirect("journeys:check_ins", journey_slug=journey.slug)
        form = CheckInForm()
    ctx = {"journey": journey, "form": form, "saved": saved, **_history(request, journey)}
    if request.htmx and form.is_bound:
        return render(request, "journeys/check_ins.html#check-in-answer", ctx, status=422)
    if request.htmx and saved:
        return render(request, "journeys/check_ins.html#check-in-answer", ctx)
    return render(request, "journeys/check_ins.html", ctx)
