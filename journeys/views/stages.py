"""Walking the journey: the overview, the stage page, saving reflections, progress.

Saving is the heart of it. With htmx the box saves as the person writes and
the page answers with the `save-response` partial of `journeys/stage.html`: a
status in words for the live region, plus the reflection's id and version
swapped out of band into the form, so the next save updates the same
reflection. Every failure keeps the text in the box and says so:

- 401 signed out, 409 another tab saved first (this tab's text becomes a new
  reflection, and the other version is shown), 422 too long, 503 database
  busy or full. The 401 and 503 answers carry a poller that asks
  `save_retry` every few seconds and saves again as soon as it can.
- Without JavaScript, a save redirects back to the prompt with a message; a
  failure renders the stage page again with the text still in the box.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from journeys import published
from journeys.forms import ReflectionForm, StageProgressForm
from journeys.models import (
    ROLE_SESSION_KEY,
    Journey,
    ProgressStatus,
    Prompt,
    Reflection,
    Stage,
    StageProgress,
    for_role,
    profile_for,
    suggested_next,
    with_statuses,
)
from journeys.views.signed_in import signed_in

STAGE_PAGE = "journeys/stage.html"
# A busy, locked or full database: the text is not saved, and nothing is lost.
NOT_SAVED = (OperationalError, IntegrityError)
# What the form's hx-trigger listens for to save again (see save_retry).
RETRY_EVENT = "nearer-retry"
# Earlier reflections shown under a prompt; My reflections has them all.
EARLIER_SHOWN = 3


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _visible_stages(request: HttpRequest):
    """Published stages; staff also see drafts, to preview them."""
    if request.user.is_staff:
        return Stage.objects.all()
    return Stage.objects.published()


def _journey_for(request: HttpRequest, journey_slug: str) -> Journey:
    journeys = Journey.objects.all() if request.user.is_staff else Journey.objects.published()
    return get_object_or_404(journeys, slug=journey_slug)


def _stage_for(request: HttpRequest, journey_slug: str, stage_slug: str) -> Stage:
    stages = _visible_stages(request).select_related("journey")
    return get_object_or_404(stages, journey__slug=journey_slug, slug=stage_slug)


def _journey_stages(request: HttpRequest, journey_slug: str) -> list[Stage]:
    """Every stage of the journey this person can open, in order, each with
    its journey: the published ones, from the cache; staff also see drafts,
    to preview them."""
    if request.user.is_staff:
        stages = Stage.objects.filter(journey__slug=journey_slug).select_related("journey")
        return list(stages.order_by("position"))
    return published.stages_of(journey_slug)


def _stage_and_siblings(
    request: HttpRequest, journey_slug: str, stage_slug: str
) -> tuple[Stage, list[Stage]]:
    """The stage, and every stage of its journey in order (for "Stage 2 of 10"
    and the pager), each with this person's status."""
    siblings = with_statuses(_journey_stages(request, journey_slug), request.user)
    stage = next((sibling for sibling in siblings if sibling.slug == stage_slug), None)
    if stage is None:
        raise Http404
    return stage, siblings


def _visible_prompts(request: HttpRequest, journey_slug: str, stage_slug: str):
    """Prompts of the stage at this address, by the same rule as _visible_stages."""
    return Prompt.objects.at(journey_slug, stage_slug, drafts=request.user.is_staff)


def _is_prompt_here(
    request: HttpRequest, journey_slug: str, stage_slug: str, prompt_id: int
) -> bool:
    """Whether the prompt is on the stage at this address, by the same rule as
    _visible_stages. People's autosaves ask the cached addresses of the
    published prompts (journeys.published), not the database; staff may be
    previewing a draft."""
    if request.user.is_staff:
        return _visible_prompts(request, journey_slug, stage_slug).filter(pk=prompt_id).exists()
    return (journey_slug, stage_slug, prompt_id) in published.prompt_addresses()


def _prompt_for(request: HttpRequest, journey_slug: str, stage_slug: str, prompt_id: int) -> Prompt:
    prompts = _visible_prompts(request, journey_slug, stage_slug).select_related("stage__journey")
    return get_object_or_404(prompts, pk=prompt_id)


def _role_of(request: HttpRequest) -> str:
    """The person's role, from the session (see ROLE_SESSION_KEY)."""
    role = request.session.get(ROLE_SESSION_KEY)
    if role is None:
        # A session begun before the role was kept in it.
        role = request.session[ROLE_SESSION_KEY] = profile_for(request.user).role
    return role


def _prompts_with_reflections(request: HttpRequest, stage: Stage) -> list[Prompt]:
    """The prompts meant for this person, each with how many reflections they
    wrote on it (`my_count`) and the newest few (`my_reflections`). One query
    when they have written nothing here; else two, however much they wrote."""
    if request.user.is_staff:
        prompts = list(Prompt.objects.filter(stage=stage).order_by("position"))
    else:
        prompts = published.prompts_of(stage)
    prompts = for_role(prompts, _role_of(request))
    mine = Reflection.objects.for_user(request.user).order_by("-created", "-pk")
    # Every id, newest first (nothing to decrypt): the counts, and which to show.
    newest_first = defaultdict(list)
    for pk, prompt_id in mine.filter(prompt__in=prompts).values_list("pk", "prompt_id"):
        newest_first[prompt_id].append(pk)
    shown = [pk for pks in newest_first.values() for pk in pks[:EARLIER_SHOWN]]
    reflections = list(mine.filter(pk__in=shown)) if shown else []
    for prompt in prompts:
        prompt.my_count = len(newest_first[prompt.pk])
        prompt.my_reflections = [r for r in reflections if r.prompt_id == prompt.pk]
    return prompts


def _form_id(prompt_id: int) -> str:
    # The ids the template writes out for an empty box, too (p5-text, p5-version…).
    return f"p{prompt_id}-%s"


def _stage_url(stage: Stage, prompt: Prompt | None = None) -> str:
    url = reverse("journeys:stage", args=[stage.journey.slug, stage.slug])
    return f"{url}#prompt-{prompt.pk}" if prompt else url


def _box_ctx(stage: Stage, prompts: list[Prompt]) -> dict:
    """The addresses the prompts' boxes need, worked out once for the page."""
    args = [stage.journey.slug, stage.slug]
    for prompt in prompts:
        prompt.save_url = reverse("journeys:save_reflection", args=[*args, prompt.pk])
    return {
        "stage_url": reverse("journeys:stage", args=args),
        "retry_url": reverse("journeys:save_retry", args=args),
    }


@signed_in()
@require_GET
def journey(request: HtmxHttpRequest, journey_slug: str) -> HttpResponse:
    journey = _journey_for(request, journey_slug)
    stages = with_statuses(_journey_stages(request, journey_slug), request.user)
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
    return _stage_page(request, journey_slug, stage_slug)


def _new_reflection_box(
    request: HttpRequest, journey_slug: str, stage_slug: str, prompt_id: str
) -> HttpResponse:
    """For "Start a new reflection": the prompt again, with an empty box."""
    stage = _stage_for(request, journey_slug, stage_slug)
    prompts = _prompts_with_reflections(request, stage)
    prompt = next((p for p in prompts if str(p.pk) == prompt_id), None)
    if prompt is None:
        raise Http404
    ctx = _box_ctx(stage, [prompt]) | {"stage": stage, "prompt": prompt, "autofocus": True}
    return render(request, f"{STAGE_PAGE}#prompt", ctx)


def _stage_page(
    request: HttpRequest,
    journey_slug: str,
    stage_slug: str,
    failed: ReflectionForm | None = None,
    failed_prompt: Prompt | None = None,
    status: int = 200,
) -> HttpResponse:
    """The stage page; after a save that failed without JavaScript, with that
    box's form (`failed`) showing the error and the text."""
    stage, siblings = _stage_and_siblings(request, journey_slug, stage_slug)
    prompts = _prompts_with_reflections(request, stage)
    for prompt in prompts:
        is_failed = failed_prompt is not None and prompt.pk == failed_prompt.pk
        prompt.failed = failed if is_failed else None
    index = siblings.index(stage)
    ctx = _box_ctx(stage, prompts) | {
        "stage": stage,
        "prompts": prompts,
        "failed": failed,
        "progress_status": stage.status,
        "number": index + 1,
        "stage_count": len(siblings),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "preview": not (stage.published and stage.journey.published),
    }
    return render(request, STAGE_PAGE, ctx, status=status)


# Saving a reflection


@never_cache
@sensitive_post_parameters("text")
@require_POST
def save_reflection(
    request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int
) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, journey_slug, stage_slug, prompt_id)
    form = ReflectionForm(request.POST, auto_id=_form_id(prompt_id))
    if form.is_valid() and not form.is_empty and form.cleaned_data["reflection"]:
        # Most saves, as the person writes: one UPDATE and no other query.
        try:
            if saved := _update(request, journey_slug, stage_slug, prompt_id, form.cleaned_data):
                return _saved(request, journey_slug, stage_slug, saved)
        except NOT_SAVED:
            prompt = _prompt_for(request, journey_slug, stage_slug, prompt_id)
            return _not_saved(request, prompt, form, "busy", status=503)
    prompt = _prompt_for(request, journey_slug, stage_slug, prompt_id)
    if not form.is_valid():
        return _not_saved(request, prompt, form, "invalid", status=422)
    if form.is_empty:
        return _nothing_to_save(request, prompt, form)
    try:
        reflection, other = _save(request, prompt, form.cleaned_data)
    except NOT_SAVED:
        return _not_saved(request, prompt, form, "busy", status=503)
    return _saved(request, journey_slug, stage_slug, reflection, other)


def _update(
    request: HttpRequest, journey_slug: str, stage_slug: str, prompt_id: int, data: dict
) -> Reflection | None:
    """Saves over this person's reflection if it is still at the version the
    box was showing, on a prompt of the stage at this address; None if not."""
    if not _is_prompt_here(request, journey_slug, stage_slug, prompt_id):
        return None
    pk, version, text = data["reflection"], data["version"], data["text"]
    mine = Reflection.objects.for_user(request.user)
    now = timezone.now()
    if mine.filter(pk=pk, version=version, prompt_id=prompt_id).update(
        text=text, version=version + 1, updated=now
    ):
        return Reflection(pk=pk, prompt_id=prompt_id, text=text, version=version + 1, updated=now)
    return None


def _save(request: HttpRequest, prompt: Prompt, data: dict) -> tuple[Reflection, Reflection | None]:
    """Saves the text as a new reflection, when the box held none or when its
    update (see _update) found another tab had saved first. Returns the new
    reflection, and in the second case the other version, so neither is lost."""
    if not data["reflection"]:
        return _start(request, prompt, data["text"]), None
    mine = Reflection.objects.for_user(request.user)
    other = get_object_or_404(mine, pk=data["reflection"], prompt=prompt)
    return _start(request, prompt, data["text"]), other


def _start(request: HttpRequest, prompt: Prompt, text: str) -> Reflection:
    with transaction.atomic():
        reflection = Reflection.objects.create(
            user=request.user, prompt=prompt, prompt_text=prompt.text, text=text
        )
        # Writing the first reflection in a stage starts it; a stage already
        # marked (done, not ready yet) keeps its mark.
        StageProgress.objects.get_or_create(
            user=request.user, stage=prompt.stage, defaults={"status": ProgressStatus.IN_PROGRESS}
        )
    return reflection


def _saved(
    request: HtmxHttpRequest,
    journey_slug: str,
    stage_slug: str,
    reflection: Reflection,
    other: Reflection | None = None,
) -> HttpResponse:
    if not request.htmx:
        if other:
            messages.warning(request, _conflict_message())
        else:
            messages.success(request, _("Saved."))
        url = reverse("journeys:stage", args=[journey_slug, stage_slug])
        return redirect(f"{url}#prompt-{reflection.prompt_id}")
    ctx = {
        "prompt": Prompt(pk=reflection.prompt_id),
        "state": "conflict" if other else "saved",
        "reflection": reflection,
        "other": other,
    }
    return render(request, f"{STAGE_PAGE}#save-response", ctx, status=409 if other else 200)


def _status_ctx(prompt: Prompt, form: ReflectionForm, state: str) -> dict:
    stage = prompt.stage
    return {
        "stage": stage,
        "prompt": prompt,
        "form": form,
        "state": state,
        "retry_url": reverse("journeys:save_retry", args=[stage.journey.slug, stage.slug]),
    }


def _conflict_message() -> str:
    return _(
        "This reflection had also been changed in another tab or window. To keep both, "
        "what you wrote here is saved as a new reflection."
    )


def _nothing_to_save(request: HtmxHttpRequest, prompt: Prompt, form: ReflectionForm):
    if not request.htmx:
        messages.info(request, _("Nothing to save yet."))
        return redirect(_stage_url(prompt.stage, prompt))
    ctx = _status_ctx(prompt, form, "empty")
    return render(request, f"{STAGE_PAGE}#save-response", ctx)


def _not_saved(
    request: HtmxHttpRequest, prompt: Prompt, form: ReflectionForm, state: str, status: int
) -> HttpResponse:
    """The text is not saved: say why, and keep it in the box."""
    if state == "busy":
        form.add_error(None, _("Not saved yet: we could not reach your journal just now."))
    if request.htmx:
        ctx = _status_ctx(prompt, form, state)
        return render(request, f"{STAGE_PAGE}#save-response", ctx, status=status)
    stage = prompt.stage
    return _stage_page(request, stage.journey.slug, stage.slug, form, prompt, status=status)


def _signed_out(
    request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int
) -> HttpResponse:
    """A save after the session ended. Nothing is stored: the text goes back to
    the browser it came from, and saving resumes once the person signs in."""
    again = reverse("journeys:signed_in_again", args=[journey_slug, stage_slug])
    stage_url = reverse("journeys:stage", args=[journey_slug, stage_slug])
    ctx = {
        "journey_slug": journey_slug,
        "stage_slug": stage_slug,
        "prompt_id": prompt_id,
        "state": "signed_out",
        "retry_url": reverse("journeys:save_retry", args=[journey_slug, stage_slug]),
        "login_url": redirect_to_login(again)["Location"],
    }
    if request.htmx:
        return render(request, f"{STAGE_PAGE}#save-status", ctx, status=401)
    ctx["text"] = request.POST.get("text", "")
    ctx["login_url"] = redirect_to_login(f"{stage_url}#prompt-{prompt_id}")["Location"]
    return render(request, "journeys/signed_out.html", ctx, status=401)


@never_cache
@require_GET
def save_retry(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """Polled while a save waits. Nothing (204) while signed out; once signed
    in, a fresh CSRF token for the page's forms (signing in changes it) and
    the cue to save again."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    response = render(request, f"{STAGE_PAGE}#fresh-token", {})
    return trigger_client_event(response, RETRY_EVENT)


@signed_in()
@require_GET
def signed_in_again(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """Where sign-in leads from a save that found the person signed out."""
    ctx = {"stage": _stage_for(request, journey_slug, stage_slug)}
    return render(request, "journeys/signed_in_again.html", ctx)


# Marking a stage


@signed_in()
@require_POST
def stage_progress(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    stage = _stage_for(request, journey_slug, stage_slug)
    form = StageProgressForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    status, message = 200, None
    try:
        progress, message = _mark(request, stage, form.cleaned_data["status"])
    except NOT_SAVED:
        progress = StageProgress.objects.for_user(request.user).filter(stage=stage).first()
        status = 503
    if not request.htmx:
        if status == 200:
            messages.success(request, message)
        else:
            messages.error(request, _("That did not work just now. Please try again."))
        return redirect(f"{_stage_url(stage)}#stage-progress")
    status_now = progress.status if progress else None
    ctx = {"stage": stage, "progress_status": status_now, "message": message, "answered": True}
    return render(request, f"{STAGE_PAGE}#progress-response", ctx, status=status)


def _mark(request: HttpRequest, stage: Stage, choice: str) -> tuple[StageProgress | None, str]:
    mine = StageProgress.objects.for_user(request.user)
    if choice == "undo":
        # Back to in progress if they have written here, else not started.
        written = Reflection.objects.for_user(request.user).filter(prompt__stage=stage)
        if not written.exists():
            mine.filter(stage=stage).delete()
            return None, _("Undone. This stage is not started.")
        choice = ProgressStatus.IN_PROGRESS
    progress, _created = mine.update_or_create(
        user=request.user, stage=stage, defaults={"status": choice}
    )
    messages_for = {
        ProgressStatus.DONE: _("Marked as done."),
        ProgressStatus.NOT_READY: _("Marked as not ready yet. Come back whenever you like."),
        ProgressStatus.IN_PROGRESS: _("Undone. This stage is in progress again."),
    }
    return progress, messages_for[choice]
