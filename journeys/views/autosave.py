"""Saving what a person writes on the stage page.

With JavaScript each box saves as the person writes (`save_reflection`) and
the page answers with the `save-response` partial of `journeys/stage.html`: a
status in words for the live region, plus the reflection's id and version
swapped out of band into the box, so the next save updates the same
reflection. Every failure keeps the text in the box and says so:

- 401 signed out, 409 another tab saved first (this tab's text becomes a new
  reflection, and the other version is shown), 422 too long, 503 database
  busy, locked or full, 500 anything else (logged and mailed to the admins
  without the text). The 401 and 503 answers carry a poller that asks
  `save_retry`, waiting longer each time, and saves again as soon as it can.

Without JavaScript the whole page is one form (`save_stage`): whichever
button is pressed, every box with new words is saved, and the page comes
back where the button was, saying so; a failure brings the page back with
every box as it was typed.
"""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from journeys.busy import database_is_busy
from journeys.forms import ReflectionForm, StageProgressForm
from journeys.models import Prompt, Reflection, StageProgress
from journeys.views.signed_in import HtmxHttpRequest, signed_in
from journeys.views.stages import STAGE_PAGE, marked_message, prompts_for, stage_for, stage_page

logger = logging.getLogger(__name__)

# What a box's hx-trigger listens for to save at once (see save_retry).
SAVE_NOW_EVENT = "nearer-save"


def _not_saved_because(error: DatabaseError) -> tuple[str, str, int]:
    """The state, message and status for a save the database refused."""
    if database_is_busy(error):
        return "busy", _("Not saved yet: we could not reach your journal just now."), 503
    # The traceback goes to the log; Django mails the admins about the 500.
    logger.exception("A reflection could not be saved: %s", type(error).__name__)
    message = _(
        "Not saved: something went wrong on our side, and we have been told. "
        "Your text is still here; please copy it somewhere safe."
    )
    return "error", message, 500


def _prompt_for(request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int):
    prompts = Prompt.objects.visible_to(request.user).select_related("stage__journey")
    return get_object_or_404(
        prompts, pk=prompt_id, stage__slug=stage_slug, stage__journey__slug=journey_slug
    )


@never_cache
@sensitive_post_parameters()
@require_POST
def save_reflection(
    request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int
) -> HttpResponse:
    """One box, saved as the person writes (htmx)."""
    if not request.user.is_authenticated:
        return _signed_out(request, journey_slug, stage_slug)
    prompt = _prompt_for(request, journey_slug, stage_slug, prompt_id)
    form = ReflectionForm(request.POST, prompt=prompt)
    if not form.is_valid():
        return _box_status(request, prompt, form, "invalid", status=422)
    try:
        saved = Reflection.save_box(request.user, prompt, **form.cleaned_data)
    except DatabaseError as error:
        state, message, status = _not_saved_because(error)
        form.add_error(None, message)
        return _box_status(request, prompt, form, state, status=status)
    if saved.state in ("saved", "conflict"):
        form = ReflectionForm(prompt=prompt, reflection=saved.reflection)
    elif saved.state == "removed":
        # The box saves into a new reflection from now on.
        form = ReflectionForm(prompt=prompt)
    ctx = {**_status_ctx(prompt, form, saved.state), "other": saved.other, "removed": saved.removed}
    return render(request, f"{STAGE_PAGE}#save-response", ctx, status=409 if saved.other else 200)


def _status_ctx(prompt: Prompt, form: ReflectionForm, state: str) -> dict:
    stage = prompt.stage
    return {
        "stage": stage,
        "prompt": prompt,
        "form": form,
        "state": state,
        "retry_url": reverse("journeys:save_retry", args=[stage.journey.slug, stage.slug]),
    }


def _box_status(
    request: HtmxHttpRequest, prompt: Prompt, form: ReflectionForm, state: str, status: int
) -> HttpResponse:
    """The text is not saved: say why, and leave it in the box."""
    ctx = _status_ctx(prompt, form, state)
    return render(request, f"{STAGE_PAGE}#save-response", ctx, status=status)


def _signed_out(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """A save after the session ended. Nothing is stored: the text stays in
    the box, and saving resumes once the person signs in."""
    again = reverse("journeys:signed_in_again", args=[journey_slug, stage_slug])
    ctx = {
        "state": "signed_out",
        "retry_url": reverse("journeys:save_retry", args=[journey_slug, stage_slug]),
        "login_url": redirect_to_login(again)["Location"],
    }
    return render(request, f"{STAGE_PAGE}#save-status", ctx, status=401)


def _signed_out_page(request: HtmxHttpRequest) -> HttpResponse:
    """The page's form sent after the session ended, without JavaScript:
    nothing is stored, and every word typed comes back to copy."""
    texts = [
        value.strip()
        for name, value in request.POST.items()
        if name.endswith("-text") and value.strip()
    ]
    stage_url = reverse("journeys:stage", kwargs=request.resolver_match.kwargs)
    if (pressed := request.POST.get("save", "")).isdigit():
        stage_url += f"#prompt-{pressed}"
    ctx = {"text": "\n\n".join(texts), "login_url": redirect_to_login(stage_url)["Location"]}
    return render(request, "journeys/signed_out.html", ctx, status=401)


@never_cache
@sensitive_post_parameters()
# With htmx only a mark comes here, so signing in again loses nothing typed.
@signed_in(signed_out_page=_signed_out_page)
@require_POST
def save_stage(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """The stage page's one form. Without JavaScript any of its buttons (a
    box's Save, or a mark) sends every box: those with new words are saved,
    then the stage is marked if a mark was pressed. With htmx a mark comes
    alone (the boxes save themselves) and the answer is the marks' partial."""
    stage = stage_for(request, journey_slug, stage_slug)
    boxes = [ReflectionForm(request.POST, prompt=prompt) for prompt in prompts_for(request, stage)]
    boxes = [box for box in boxes if box.was_sent]
    mark = StageProgressForm(request.POST) if "status" in request.POST else None
    if mark is not None and not mark.is_valid():
        return HttpResponse(status=400)
    if not all(box.is_valid() for box in boxes):
        return stage_page(request, journey_slug, stage_slug, unsaved=boxes, status=422)
    changed = _with_new_words(request, boxes)
    try:
        with transaction.atomic():
            saved = {
                box.prompt.pk: Reflection.save_box(request.user, box.prompt, **box.cleaned_data)
                for box in changed
            }
            choice = mark.cleaned_data["status"] if mark else None
            progress = StageProgress.objects.mark(request.user, stage, choice) if choice else None
    except DatabaseError as error:
        return _stage_not_saved(request, stage, boxes, error)
    if request.htmx:
        status_now = progress.status if progress else None
        ctx = {
            "stage": stage,
            "progress_status": status_now,
            "message": marked_message(choice, status_now),
            "answered": True,
        }
        return render(request, f"{STAGE_PAGE}#progress-response", ctx)
    _say_what_else_happened(request, saved.values())
    return redirect(_where_the_button_was(request, stage, boxes, saved, choice))


def _with_new_words(request: HtmxHttpRequest, boxes: list[ReflectionForm]) -> list[ReflectionForm]:
    """The boxes whose words differ from the reflection they hold (or, not
    holding one, that have words): without JavaScript the page sends every
    box, and one left as it was is not a new save."""
    held_ids = [box.cleaned_data["reflection"] for box in boxes if box.cleaned_data["reflection"]]
    held = Reflection.objects.for_user(request.user).in_bulk(held_ids)
    changed = []
    for box in boxes:
        data = box.cleaned_data
        if reflection := held.get(data["reflection"]):
            if (reflection.version, reflection.text) != (data["version"], data["text"]):
                changed.append(box)
        elif data["text"].strip():
            changed.append(box)
    return changed


def _say_what_else_happened(request: HtmxHttpRequest, saved) -> None:
    """Saved boxes say so in their own status (see _where_the_button_was);
    the rarer outcomes are told above the page."""
    for outcome in saved:
        if outcome.state == "conflict":
            messages.warning(
                request,
                _(
                    "A reflection had also been changed in another tab or window. To keep "
                    "both, what you wrote here is saved as a new reflection."
                ),
            )
        elif outcome.state == "removed":
            messages.success(request, _("Removed the reflection you emptied."))
        elif outcome.state == "changed_elsewhere":
            messages.info(
                request,
                _(
                    "Not removed: it had been changed in another tab since, so it is kept in "
                    "My reflections."
                ),
            )


def _where_the_button_was(
    request: HtmxHttpRequest, stage, boxes: list[ReflectionForm], saved: dict, choice
) -> str:
    """The stage page at the pressed button, with "Saved." in each saved
    box's status, and the mark's answer beside the marks (see stage_page)."""
    saved_pks = [pk for pk, outcome in saved.items() if outcome.state == "saved"]
    query, at = {}, "stage-progress"
    pressed = next((box for box in boxes if str(box.prompt.pk) == request.POST.get("save")), None)
    if choice:
        query["marked"] = choice
    elif pressed:
        at = f"prompt-{pressed.prompt.pk}"
        if pressed.prompt.pk not in saved:
            # Nothing new in the pressed box: it holds what is saved, or nothing yet.
            if pressed.cleaned_data["text"].strip():
                saved_pks.append(pressed.prompt.pk)
            else:
                query["empty"] = pressed.prompt.pk
    if saved_pks:
        query["saved"] = ",".join(map(str, saved_pks))
    url = reverse("journeys:stage", args=[stage.journey.slug, stage.slug])
    return f"{url}{'?' + urlencode(query) if query else ''}#{at}"


def _stage_not_saved(request: HtmxHttpRequest, stage, boxes, error: DatabaseError):
    """The database refused: nothing is saved, and the page comes back with
    every box as it was typed and the reason in words."""
    if request.htmx:
        # Only a mark comes with htmx: a busy database is worth trying again.
        if not database_is_busy(error):
            raise error
        progress = StageProgress.objects.for_user(request.user).filter(stage=stage).first()
        ctx = {"stage": stage, "progress_status": progress.status if progress else None}
        return render(request, f"{STAGE_PAGE}#progress-response", ctx, status=503)
    _state, message, status = _not_saved_because(error)
    with_words = [box for box in boxes if box.cleaned_data["text"].strip()]
    if with_words:
        with_words[0].add_error(None, message)
    else:
        messages.error(request, _("That did not work just now. Please try again."))
    return stage_page(request, stage.journey.slug, stage.slug, unsaved=boxes, status=status)


@never_cache
@require_GET
def save_retry(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """Asked while a save waits. Nothing (204) while signed out; once signed
    in, a fresh CSRF token for the page's forms (signing in changes it) and
    the cue to save again."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    response = render(request, f"{STAGE_PAGE}#fresh-token", {})
    return trigger_client_event(response, SAVE_NOW_EVENT)


@signed_in()
@require_GET
def signed_in_again(request: HtmxHttpRequest, journey_slug: str, stage_slug: str) -> HttpResponse:
    """Where sign-in leads from a save that found the person signed out."""
    ctx = {"stage": stage_for(request, journey_slug, stage_slug)}
    return render(request, "journeys/signed_in_again.html", ctx)
