from collections.abc import Iterable
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from journeys.forms import ReflectionEditForm, ReflectionSearchForm
from journeys.models import Journey, Reflection
from journeys.search import WordSearch
from journeys.views.partner import partner_pieces
from journeys.views.signed_in import HtmxHttpRequest, render_page_or_part, signed_in

PAGE_SIZE = 20


def _reflection_for(request: HttpRequest, pk: int) -> Reflection:
    mine = Reflection.objects.for_user(request.user).select_related("prompt__stage__journey")
    return get_object_or_404(mine, pk=pk)


def _by_day(reflections: Iterable[Reflection]) -> list[tuple[date, list[Reflection]]]:
    days: list[tuple[date, list[Reflection]]] = []
    for reflection in reflections:
        day = timezone.localdate(reflection.created)
        if days and days[-1][0] == day:
            days[-1][1].append(reflection)
        else:
            days.append((day, [reflection]))
    return days


@signed_in()
@require_GET
def reflections(request: HtmxHttpRequest) -> HttpResponse:
    form = ReflectionSearchForm(request.GET or None, user=request.user)
    words, stage = form.wanted()
    found = Reflection.objects.for_user(request.user).select_related(
        "prompt__stage__journey", "share"
    )
    if stage:
        found = found.filter(prompt__stage=stage)
    search = WordSearch(words)
    if search:
        # The text is encrypted at rest, so the database cannot search it:
        # open this person's own reflections and look in Python.
        found = [reflection for reflection in found if search.matches(reflection.text)]
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    nothing_written = not (page.paginator.count or words or stage)
    ctx = {
        "form": form,
        "page": page,
        "days": _by_day(page.object_list),
        "words": words,
        "search": search,
        "stage": stage,
        "journey": Journey.objects.published().first() if nothing_written else None,
        "nothing_written": nothing_written,
        **partner_pieces(request),
    }
    return render_page_or_part(request, "journeys/reflections.html", "results", ctx)


@sensitive_post_parameters("text")
@signed_in()
@require_http_methods(["GET", "POST"])
def reflection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection_for(request, pk)
    initial = {"text": reflection.text, "version": reflection.version}
    data = request.POST if request.method == "POST" else None
    form = ReflectionEditForm(data, initial=initial, question=reflection.prompt_text)
    if form.is_bound and form.is_valid():
        mine = Reflection.objects.for_user(request.user)
        if mine.save_over(reflection.pk, **form.cleaned_data):
            messages.success(request, _("Your reflection is saved."))
            return redirect(f"{reverse('journeys:reflections')}#reflection-{reflection.pk}")
        # Saved elsewhere since this page opened: keep both at once, as the
        # stage page does, rather than leave the choice to a second click.
        Reflection.start(request.user, reflection.prompt, form.cleaned_data["text"])
        messages.warning(
            request,
            _(
                "This reflection had been changed in another tab or on another device "
                "since you opened it. To keep both, what you wrote here is saved as a "
                "separate reflection on the same question."
            ),
        )
        # The list opens at its top, with this message and, newest first, the text kept.
        return redirect("journeys:reflections")
    ctx = {"reflection": reflection, "form": form}
    return render(request, "journeys/reflection_edit.html", ctx)


@signed_in()
@require_http_methods(["GET", "POST"])
def reflection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reflection = _reflection_for(request, pk)
    if request.method == "POST":
        reflection.delete()
        messages.success(request, _("Your reflection is deleted."))
        return redirect("journeys:reflections")
    return render(request, "journeys/reflection_delete.html", {"reflection": reflection})
