from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import replace_url

from journeys.charts import readiness_chart
from journeys.forms import CheckInForm
from journeys.models import CheckIn, Journey
from journeys.views.signed_in import HtmxHttpRequest, render_page_or_part, signed_in

# The chart draws one page of the table, so the two always show the same
# check-ins: enough points to see how someone moved over a few weeks, few
# enough that each point stays distinct on a phone and the page stays light.
PAGE_SIZE = 10


def _published_journey(slug: str) -> Journey:
    return get_object_or_404(Journey.objects.published(), slug=slug)


def _history(request: HttpRequest, journey: Journey) -> dict:
    mine = (
        CheckIn.objects.for_user(request.user)
        .filter(journey=journey)
        .only("created", "readiness", "note")
    )
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "chart": readiness_chart(page.object_list)}


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
    if request.htmx and request.method == "POST":
        status = 200 if saved else 422
        response = render(request, "journeys/check_ins.html#check-in-answer", ctx, status=status)
        # The answer holds the newest check-ins, whichever page the person was on.
        return replace_url(response, request.path)
    return render_page_or_part(request, "journeys/check_ins.html", "history", ctx)
