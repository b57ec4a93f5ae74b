from collections.abc import Iterable
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails

from journeys.forms import ReflectionEditForm, ReflectionSearchForm
from journeys.models import Journey, Reflection, Stage
from journeys.views.signed_in import signed_in

PAGE_SIZE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class CountedPaginator(Paginator):
    """A Paginator told how many there are, when the page knows already."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count


def _reflection_for(request: HttpRequest, pk: int) -> Reflection:
    mine = Reflection.objects.for_user(request.user).select_related("prompt__stage__journey")
    return get_object_or_404(mine, pk=pk)


def _containing(reflections: Iterable[Reflection], words: str) -> list[Reflection]:
    # The text is encrypted at rest, so the database cannot search it: open
    # this person's own reflections and look in Python.
    needle = words.casefold()
    return [reflection for reflection in reflections if needle in reflection.text.casefold()]


def _by_day(reflections: Iterable[Reflection]) -> list[tuple[date, list[Reflection]]]:
    days: list[tuple[date, list[Reflection]]] = []
    for reflection in reflections:
        day = timezone.localdate(reflection.created)
        if days and days[-1][0] == day:
            days[-1][1].append(reflection)
        else:
            days.append((day, [reflection]))
    return days


def _with_stages(reflections: Iterable[Reflection], stages: list[Stage]) -> list[Reflection]:
    """Each reflection (read with its `stage_id`) with its stage, from the
    stages already read for the filter, and each of those stages with its
    address (`url`) when people can open it: no join per row, one address
    per stage."""
    by_id = {stage.pk: stage for stage in stages}
    reflections = list(reflections)
    shown = {reflection.stage_id for reflection in reflections}
    if missing := shown - by_id.keys():
        # Written in another tab since the stages were read.
        by_id |= Stage.objects.select_related("journey").in_bulk(missing)
    for stage_id in shown:
        stage = by_id[stage_id]
        open_to_people = stage.published and stage.journey.published
        args = [stage.journey.slug, stage.slug]
        stage.url = reverse("journeys:stage", args=args) if open_to_people else None
    for reflection in reflections:
        reflection.stage = by_id[reflection.stage_id]
    return reflections


def _save_if_unchanged(request: HttpRequest, pk: int, text: str, version: int) -> bool:
    """Save only over the version the person was looking at: never over a newer save."""
    updated = (
        Reflection.objects.for_user(request.user)
        .filter(pk=pk, version=version)
        .update(text=text, version=F("version") + 1, updated=timezone.now())
    )
    return updated == 1


@signed_in()
@require_GET
def reflections(request: HtmxHttpRequest) -> HttpResponse:
    # The filter's choices, with how many reflections each holds: the count
    # for the page, too, unless a search has to open the texts to count them.
    stages = list(Stage.objects.written_in_by(request.user))
    form = ReflectionSearchForm(request.GET or None, stages=stages)
    form.is_valid()
    wanted = getattr(form, "cleaned_data", {})
    words, stage = wanted.get("q", "").strip(), wanted.get("stage")
    found = Reflection.objects.for_user(request.user).annotate(stage_id=F("prompt__stage_id"))
    if stage:
        found = found.filter(prompt__stage=stage)
    if words:
        paginator = Paginator(_containing(found, words), PAGE_SIZE)
    else:
        written = stage.written if stage else sum(choice.written for choice in stages)
        paginator = CountedPaginator(found, PAGE_SIZE, count=written)
    page = paginator.get_page(request.GET.get("page"))
    ctx = {
        "form": form,
        "stages": stages,
        "page": page,
        "days": _by_day(_with_stages(page.object_list, stages)),
        "words": words,
        "stage": stage,
        # Called by the template only for the empty state, to link to the journey.
        "journey": lambda: Journey.objects.published().first(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "journeys/reflections.html#results", ctx)
    else:
        response = render(request, "journeys/reflections.html", ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response


@sensitive_post_parameters("text")
@signed_in()
@require_http_methods(["GET", "POST"])
def reflection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection_for(request, pk)
    initial = {"text": reflection.text, "version": reflection.version}
    data = request.POST if request.method == "POST" else None
    form = ReflectionEditForm(data, initial=initial, question=reflection.prompt_text)
    conflict = False
    if form.is_bound and form.is_valid():
        if _save_if_unchanged(request, reflection.pk, **form.cleaned_data):
            messages.success(request, _("Your reflection is saved."))
            return redirect(f"{reverse('journeys:reflections')}#reflection-{reflection.pk}")
        # Saved elsewhere since this page opened: keep what was typed in the
        # box, show the newer text beside it, and let a second save choose.
        conflict = True
        typed = {"text": form.cleaned_data["text"], "version": reflection.version}
        form = ReflectionEditForm(initial=typed, question=reflection.prompt_text)
    ctx = {"reflection": reflection, "form": form, "conflict": conflict}
    return render(request, "journeys/reflection_edit.html", ctx, status=409 if conflict else 200)


@signed_in()
@require_http_methods(["GET", "POST"])
def reflection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection_for(request, pk)
    if request.method == "POST":
        reflection.delete()
        messages.success(request, _("Your reflection is deleted."))
        return redirect("journeys:reflections")
    return render(request, "journeys/reflection_delete.html", {"reflection": reflection})
