"""Walking the journey: the overview, the stage page, and marking a stage.

Writing on the stage page is saved by journeys.views.autosave.
"""

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from journeys.forms import ReflectionForm
from journeys.models import (
    Audience,
    Journey,
    ProgressStatus,
    Prompt,
    Reflection,
    Stage,
    suggested_next,
)
from journeys.views.partner import partner_pieces
from journeys.views.signed_in import HtmxHttpRequest, signed_in

STAGE_PAGE = "journeys/stage.html"
MARKED = {
    ProgressStatus.DONE: _lazy("Marked as done."),
    ProgressStatus.NOT_READY: _lazy("Marked as not ready yet. Come back whenever you like."),
    "undo": _lazy("Undone. This stage is in progress again."),
}
# Earlier reflections shown under a prompt; My reflections has them all.
EARLIER_SHOWN = 3


def _journey_stages(request: HttpRequest, journey_slug: str) -> list[Stage]:
    """The stages of the journey this person may open, in order, each with
    their status (see StageQuerySet.with_status_for)."""
    stages = Stage.objects.visible_to(request.user).filter(journey__slug=journey_slug)
    stages = stages.with_status_for(request.user).select_related("journey")
    return list(stages)


def stage_for(request: HttpRequest, journey_slug: str, stage_slug: str) -> Stage:
    stages = Stage.objects.visible_to(request.user).select_related("journey")
    return get_object_or_404(stages, journey__slug=journey_slug, slug=stage_slug)


def prompts_for(request: HttpRequest, stage: Stage):
    """The stage's prompts meant for this person (by the role on their profile)."""
    return Prompt.objects.current().filter(stage=stage).for_role(request.user.profile.role)


def _with_my_reflections(request: HttpRequest, prompts) -> list[Prompt]:
    """The prompts, each with how many reflections this person wrote on it
    (`my_count`) and the newest few (`my_reflections`)."""
    mine = Reflection.objects.for_user(request.user)
    newest = Prefetch(
        # One more than are shown: today's may go in the box instead.
        "reflections",
        mine.select_related("share").order_by("-created", "-pk")[: EARLIER_SHOWN + 1],
        "my_reflections",
    )
    counted = prompts.annotate(
        my_count=Count("reflections", filter=Q(reflections__user=request.user))
    )
    return list(counted.prefetch_related(newest))


def with_forms(prompts: list[Prompt], unsaved: list[ReflectionForm] = ()):
    """Each prompt with the form of its box: as it was sent, when the page
    comes back unsaved (errors and text shown); else today's reflection, to
    go on with, and taken out of the list below; else an empty one. The
    reflection the box holds (`in_box_reflection`) can be shared from there."""
    today = timezone.localdate()
    sent = {form.prompt.pk: form for form in unsaved}
    for prompt in prompts:
        newest = prompt.my_reflections[0] if prompt.my_reflections else None
        from_today = newest and timezone.localdate(newest.created) == today
        if prompt.pk in sent:
            prompt.form = sent[prompt.pk]
            holds_newest = newest and str(prompt.form["reflection"].value()) == str(newest.pk)
        elif from_today:
            prompt.form = ReflectionForm(prompt=prompt, reflection=newest)
            holds_newest = True
        else:
            prompt.form = ReflectionForm(prompt=prompt)
            holds_newest = False
        prompt.in_box = int(bool(holds_newest))
        prompt.in_box_reflection = newest if holds_newest else None
        prompt.my_reflections = prompt.my_reflections[prompt.in_box :][:EARLIER_SHOWN]
    return prompts


def marked_message(choice: str | None, status_now: str | None) -> str:
    """What a mark says once made; undoing takes a stage back to in progress,
    or to not started when nothing was written there."""
    if choice == "undo" and status_now is None:
        return _("Undone. This stage is not started.")
    return MARKED.get(choice, "")


@signed_in()
@require_GET
def journey(request: HtmxHttpRequest, journey_slug: str) -> HttpResponse:
    journey = get_object_or_404(Journey.objects.visible_to(request.user), slug=journey_slug)
    stages = _journey_stages(request, journey_slug)
    ctx = {
        "journey": journey,
        "stages": stages,
        "suggested": suggested_next(stages),
        "done_count": sum(stage.status == ProgressStatus.DONE for stage in stages),
        "preview": not journey.published,
    }
    return render(request, "journeys/journey.html", ctx)


@signed_in()
@require_GET
def stage(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    if request.htmx and "prompt" in request.GET:
        return _new_reflection_box(request, journey_slug, stage_slug, request.GET["prompt"])
    return stage_page(request, journey_slug, stage_slug)


def _new_reflection_box(
    request: HttpRequest, journey_slug: str, stage_slug: str, prompt_id: str
) -> HttpResponse:
    """For "Start a new reflection": the prompt again, with an empty box."""
    stage = stage_for(request, journey_slug, stage_slug)
    prompts = prompts_for(request, stage).filter(pk=prompt_id if prompt_id.isdigit() else None)
    prompt = next(iter(_with_my_reflections(request, prompts)), None)
    if prompt is None:
        raise Http404
    prompt.form = ReflectionForm(prompt=prompt, autofocus=True)
    prompt.in_box, prompt.in_box_reflection = 0, None
    prompt.my_reflections = prompt.my_reflections[:EARLIER_SHOWN]
    ctx = {"stage": stage, "prompt": prompt, **partner_pieces(request, [prompt])}
    return render(request, f"{STAGE_PAGE}#prompt", ctx)


def stage_page(
    request: HttpRequest,
    journey_slug: str,
    stage_slug: str,
    unsaved: list[ReflectionForm] = (),
    status: int = 200,
) -> HttpResponse:
    """The stage page; when its form could not be saved, with every box as
    it was sent (`unsaved`), errors and text shown."""
    siblings = _journey_stages(request, journey_slug)
    stage = next((sibling for sibling in siblings if sibling.slug == stage_slug), None)
    if stage is None:
        raise Http404
    prompts = _with_my_reflections(request, prompts_for(request, stage))
    index = siblings.index(stage)
    ctx = {
        "stage": stage,
        "prompts": with_forms(prompts, unsaved),
        "unsaved_errors": [form for form in unsaved if form.errors],
        "progress_status": stage.status,
        "number": index + 1,
        "stage_count": len(siblings),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "preview": not (stage.published and stage.journey.published),
        # Back from the page's form without JavaScript: "Saved." in each saved
        # box's status, and what the mark did beside the marks, where it lands.
        "saved_here": {int(pk) for pk in request.GET.get("saved", "").split(",") if pk.isdigit()},
        "empty_here": int(request.GET["empty"]) if request.GET.get("empty", "").isdigit() else None,
        "marked_message": marked_message(request.GET.get("marked"), stage.status),
        **partner_pieces(request, prompts),
    }
    return render(request, STAGE_PAGE, ctx, status=status)


def preview(request: HttpRequest, stage: Stage, content: dict, role: str) -> HttpResponse:
    """The stage page as a person of this role would see the content (a
    draft, or the stage as it is), with none of anyone's reflections. For
    editors; journeys.admin checks who may call it."""
    shown = Stage(
        pk=stage.pk, journey=stage.journey, position=stage.position, published=stage.published
    )
    for name in ("title", "slug", "summary", "body"):
        setattr(shown, name, content[name])
    siblings = list(Stage.objects.published().filter(journey=stage.journey))
    # The page addresses each question by its id. Each borrows one no prompt
    # has (a question the draft adds has none yet), so nothing an editor types
    # in a preview is saved as a reflection on a live question.
    unused = (Prompt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    prompts = []
    for values in sorted(content["prompts"], key=lambda p: p["position"]):
        if values["retired"] or values["audience"] not in (Audience.EVERYONE, role):
            continue
        prompt = Prompt(stage=shown, pk=unused + len(prompts))
        for name in ("position", "text", "help_text", "audience"):
            setattr(prompt, name, values[name])
        prompt.my_count, prompt.my_reflections, prompt.in_box = 0, [], 0
        prompts.append(prompt)
    index = next((i for i, s in enumerate(siblings) if s.pk == stage.pk), len(siblings))
    ctx = {
        "stage": shown,
        "prompts": with_forms(prompts),
        "progress_status": None,
        "number": index + 1,
        "stage_count": max(len(siblings), index + 1),
        "previous": siblings[index - 1] if 0 < index <= len(siblings) else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "preview": True,
    }
    return render(request, STAGE_PAGE, ctx)
