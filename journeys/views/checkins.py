from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import replace_url

from journeys.charts import readiness_chart
from journeys.forms import CheckInChangeForm, CheckInForm, CheckInPeriodForm
from journeys.models import CheckIn, Journey
from journeys.views.partner import readiness_pieces
from journeys.views.signed_in import HtmxHttpRequest, render_page_or_part, signed_in

# Rows of the table a page; the chart above it shows the whole period.
PAGE_SIZE = 10


def _published_journey(slug: str) -> Journey:
    return get_object_or_404(Journey.objects.published(), slug=slug)


def _check_in_for(request: HttpRequest, journey_slug: str, pk: int) -> CheckIn:
    mine = CheckIn.objects.for_user(request.user).filter(
        journey__slug=journey_slug, journey__published=True
    )
    return get_object_or_404(mine.select_related("journey"), pk=pk)


def _history(request: HttpRequest, journey: Journey) -> dict:
    """The chart of the period asked for, and one page of its table: every
    moment and level of the period (nothing to decrypt), then the notes of
    one page, however many check-ins there are."""
    period = CheckInPeriodForm(request.GET).wanted()
    mine = CheckIn.objects.for_user(request.user).filter(journey=journey)
    in_period = mine
    today = timezone.localdate()
    first_day = None
    if period == CheckInPeriodForm.RECENT:
        first_day = today - timedelta(weeks=CheckInPeriodForm.RECENT_WEEKS, days=-1)
        since = timezone.make_aware(datetime.combine(first_day, time()))
        in_period = mine.filter(created__gte=since)
    moments = list(in_period.values_list("pk", "created", "readiness"))
    if moments and first_day is None:
        first_day = timezone.localdate(moments[-1][1])
    page = Paginator(moments, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [pk for pk, _when, _readiness in page.object_list]
    pairs = [(when, readiness) for _pk, when, readiness in moments]
    rows = mine.filter(pk__in=shown).only("created", "readiness", "note") if shown else []
    return {
        "showing_all": period == CheckInPeriodForm.ALL,
        "first_day": first_day,
        # Only asked when the last weeks are empty: is there anything older to show?
        "older": not moments and period == CheckInPeriodForm.RECENT and mine.exists(),
        "page": page,
        "rows": list(rows),
        "chart": readiness_chart(pairs, first_day or today, today),
    }


def _check_ins_url(journey: Journey, check_in: CheckIn | None = None) -> str:
    url = reverse("journeys:check_ins", args=[journey.slug])
    return f"{url}#check-in-{check_in.pk}" if check_in else url


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
            return redirect(_check_ins_url(journey))
        form = CheckInForm()
    ctx = {
        "journey": journey,
        "form": form,
        "saved": saved,
        **_history(request, journey),
        **readiness_pieces(request),
    }
    if request.htmx and request.method == "POST":
        status = 200 if saved else 422
        response = render(request, "journeys/check_ins.html#check-in-answer", ctx, status=status)
        # The answer holds the newest check-ins, whichever page the person was on.
        return replace_url(response, request.path)
    return render_page_or_part(request, "journeys/check_ins.html", "history", ctx)


@sensitive_post_parameters("note")
@signed_in()
@require_http_methods(["GET", "POST"])
def check_in_change(request: HttpRequest, journey_slug: str, pk: int) -> HttpResponse:
    check_in = _check_in_for(request, journey_slug, pk)
    data = request.POST if request.method == "POST" else None
    form = CheckInChangeForm(data, instance=check_in)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your check-in is changed."))
        return redirect(_check_ins_url(check_in.journey, check_in))
    return render(request, "journeys/check_in_change.html", {"check_in": check_in, "form": form})


@signed_in()
@require_http_methods(["GET", "POST"])
def check_in_delete(request: HttpRequest, journey_slug: str, pk: int) -> HttpResponse:
    check_in = _check_in_for(request, journey_slug, pk)
    if request.method == "POST":
        check_in.delete()
        messages.success(request, _("Your check-in is deleted."))
        return redirect(_check_ins_url(check_in.journey))
    return render(request, "journeys/check_in_delete.html", {"check_in": check_in})
