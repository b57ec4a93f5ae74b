"""A summary the person composes for their doctor, nurse or therapist.

It holds only what they chose of their own writing, is made on request and
is never stored: the page and the PDF are drawn from the same template.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from typing import ClassVar

from django.contrib.staticfiles import finders
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from journeys.charts import ReadinessChart, readiness_chart
from journeys.models import CheckIn, Journey, Reflection

STYLESHEET = "css/summary.css"


class Period(models.TextChoices):
    NONE = "none", _("No check-ins")
    FOUR_WEEKS = "4w", _("The last 4 weeks")
    THREE_MONTHS = "3m", _("The last 3 months")
    YEAR = "12m", _("The last 12 months")
    ALL = "all", _("All my check-ins")


PERIOD_LENGTHS = {
    Period.FOUR_WEEKS: timedelta(weeks=4),
    Period.THREE_MONTHS: timedelta(days=91),
    Period.YEAR: timedelta(days=365),
}


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "letter", _("Letter (US)")


@dataclass(frozen=True)
class CheckInsOfJourney:
    journey: Journey
    chart: ReadinessChart
    check_ins: list[CheckIn]  # newest first, as the check-ins page lists them

    # On paper the chart has one width, so the levels' words sit in the same
    # drawing, left of the chart's own geometry (journeys/charts.py), in its units.
    labels_width: ClassVar[int] = 260

    @property
    def view_width(self) -> int:
        return self.chart.width + self.labels_width


@dataclass(frozen=True)
class Summary:
    made_on: date
    for_whom: str
    name: str  # empty unless the person asked for it
    paper: str
    period: str
    questions: list[str]
    reflections: list[Reflection]  # by journey, stage and question, oldest first
    check_ins: list[CheckInsOfJourney]

    @property
    def period_label(self) -> str:
        return Period(self.period).label


def check_ins_over(user, period: str, today: date) -> list[CheckInsOfJourney]:
    """This person's check-ins in the period, with the chart of each journey's."""
    if period == Period.NONE:
        return []
    check_ins = CheckIn.objects.for_user(user).select_related("journey")
    first_day = None
    if period in PERIOD_LENGTHS:
        first_day = today - PERIOD_LENGTHS[period] + timedelta(days=1)
        check_ins = check_ins.filter(created__date__gte=first_day)
    ordered = check_ins.order_by("journey__title", "journey_id", "-created", "-pk")
    groups = []
    for _journey_id, rows in groupby(ordered, key=lambda check_in: check_in.journey_id):
        rows = list(rows)
        start = first_day or timezone.localdate(rows[-1].created)
        pairs = [(check_in.created, check_in.readiness) for check_in in rows]
        chart = readiness_chart(pairs, start, today)
        groups.append(CheckInsOfJourney(rows[0].journey, chart, rows))
    return groups


def compose(
    user,
    *,
    reflections: list[Reflection],
    period: str,
    questions: list[str],
    for_whom: str,
    show_name: bool,
    paper: str,
) -> Summary:
    today = timezone.localdate()
    return Summary(
        made_on=today,
        for_whom=for_whom,
        name=user.get_username() if show_name else "",
        paper=paper,
        period=period,
        questions=questions,
        reflections=reflections,
        check_ins=check_ins_over(user, period, today),
    )


def pdf_from_html(html: str) -> bytes:
    """The summary as a tagged PDF (PDF/UA-1): headings, tables and the
    chart's text alternative reach a screen reader."""
    # Drawn from its own HTML and the site's stylesheets only: nothing in a
    # person's text can make the server fetch an address.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(filename=finders.find(STYLESHEET), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
