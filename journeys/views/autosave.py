"""Saving a reflection from the stage page, as the person writes.

With htmx the box saves as the person writes and the page answers with the
`save-response` partial of `journeys/stage.html`: a status in words for the
live region, plus the reflection's id and version swapped out of band into
the form, so the next save updates the same reflection. Every failure keeps
the text in the box and says so:

- 401 signed out, 409 another tab saved first (this tab's text becomes a new
  reflection, and the other version is shown), 422 too long, 503 database
  busy, locked or full, 500 anything else (logged and mailed to the admins
  without the text). The 401 and 503 answers carry a poller that asks
  `save_retry`, waiting longer each time, and saves again as soon as it can.
- Without JavaScript, a save redirects back to the prompt with a message; a
  failure renders the stage page again with the text still in the box.
"""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from journeys.busy import database_is_busy
from journeys.forms import ReflectionForm
from journeys.models import Prompt, Reflection
from journeys.views.signed_in import HtmxHttpRequest, signed_in
from journeys.views.stages import STAGE_PAGE, stage_for, stage_page

logger = logging.getLogger(__name__)

# What the form's hx-trigger listens for to save again (see save_retry).
RETRY_EVENT = "nearer-retry"
CHANGED_ELSEWHERE = _lazy(
    "Not removed: it had been changed in another tab since, so it is kept in My reflections."
)


def _prompt_for(request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int):
    prompts = Prompt.objects.visible_to(request.user).select_related("stage__journey")
    return get_object_or_404(
        prompts, pk=prompt_id, stage__slug=stage_slug, stage__journey__slug=journey_slug
    )


@never_cache
@sensitive_post_parameters("text")
@require_POST
def save_reflection(
    request: HtmxHttpRequest, journey_slug: str, stage_slug: str, prompt_id: int
) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, journey_slug, stage_slug, prompt_id)
    prompt = _prompt_for(request, journey_slug, stage_slug, prompt_id)
    form = ReflectionForm(request.POST, prompt=prompt)
    if not form.is_valid():
        return _not_saved(request, prompt, form, "invalid", status=422)
    if form.is_empty and not form.cleaned_data["reflection"]:
        return _nothing_to_save(request, prompt, form)
    try:
        if form.is_empty:
            return _removed(request, prompt, form.cleaned_data)
        reflection, other = _save(request, prompt, form.cleaned_data)
    except DatabaseError as error:
        if database_is_busy(error):
            return _not_saved(request, prompt, form, "busy", status=503)
        # The traceback goes to the log; Django mails the admins about the 500.
        logger.exception("A reflection could not be saved: %s", type(error).__name__)
        return _not_saved(request, prompt, form, "error", status=500)
    return _saved(request, prompt, reflection, other)


def _save(request: HtmxHttpRequest, prompt: Prompt, data: dict):
    """Saves the text over the reflection in the box if it is still at the
    version the box showed; else (a first save, or another tab saved since)
    as a new reflection. Returns it, and the other tab's version if any, so
    neither text is lost."""
    mine = Reflection.objects.for_user(request.user).filter(prompt=prompt)
    pk, version, text = data["reflection"], data["version"], data["text"]
    if not pk:
        return Reflection.start(request.user, prompt, text), None
    if new_version := mine.save_over(pk, version, text):
        return Reflection(pk=pk, prompt=prompt, text=text, version=new_version), None
    other = get_object_or_404(mine, pk=pk)
    return Reflection.start(request.user, prompt, text), other


def _stage_url(prompt: Prompt, saved: bool = False) -> str:
    """The stage page at the prompt; after a save without JavaScript, with
    "Saved." in that prompt's status, where the page lands (see stage_page)."""
    url = reverse("journeys:stage", args=[prompt.stage.journey.slug, prompt.stage.slug])
    query = f"?saved={prompt.pk}" if saved else ""
    return f"{url}{query}#prompt-{prompt.pk}"


def _saved(
    request: HtmxHttpRequest, prompt: Prompt, reflection: Reflection, other: Reflection | None
) -> HttpResponse:
    if not request.htmx:
        if other:
            messages.warning(
                request,
                _(
                    "This reflection had also been changed in another tab or window. To keep "
                    "both, what you wrote here is saved as a new reflection."
                ),
            )
        return redirect(_stage_url(prompt, saved=not other))
    ctx = {
        "prompt": prompt,
        "state": "conflict" if other else "saved",
        "form": ReflectionForm(prompt=prompt, reflection=reflection),
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


def _removed(request: HtmxHttpRequest, prompt: Prompt, data: dict) -> HttpResponse:
    """The box of a saved reflection was emptied: the reflection goes, as a
    save would have changed it, unless another tab saved it since."""
    mine = Reflection.objects.for_user(request.user).filter(prompt=prompt)
    removed = mine.remove(data["reflection"], data["version"])
    if not request.htmx:
        if removed:
            messages.success(request, _("Removed."))
        else:
            messages.info(request, CHANGED_ELSEWHERE)
        return redirect(_stage_url(prompt))
    state = "removed" if removed else "changed_elsewhere"
    # The box saves into a new reflection from now on.
    ctx = {**_status_ctx(prompt, ReflectionForm(prompt=prompt), state), "removed": removed}
    return render(request, f"{STAGE_PAGE}#save-response", ctx)


def _nothing_to_save(request: HtmxHttpRequest, prompt: Prompt, form: ReflectionForm):
    if not request.htmx:
        messages.info(request, _("Nothing to save yet."))
        return redirect(_stage_url(prompt))
    return render(request, f"{STAGE_PAGE}#save-response", _status_ctx(prompt, form, "empty"))


def _not_saved(
    request: HtmxHttpRequest, prompt: Prompt, form: ReflectionForm, state: str, status: int
) -> HttpResponse:
    """The text is not saved: say why, and keep it in the box."""
    if state == "busy":
        form.add_error(None, _("Not saved yet: we could not reach your journal just now."))
    elif state == "error":
        form.add_error(
            None,
            _(
                "Not saved: something went wrong on our side, and we have been told. "
                "Your text is still here; please copy it somewhere safe."
            ),
        )
    if request.htmx:
        ctx = _status_ctx(prompt, form, state)
        return render(request, f"{STAGE_PAGE}#save-response", ctx, status=status)
    stage = prompt.stage
    return stage_page(request, stage.journey.slug, stage.slug, form, prompt, status=status)


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
    """Asked while a save waits. Nothing (204) while signed out; once signed
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
    ctx = {"stage": stage_for(request, journey_slug, stage_slug)}
    return render(request, "journeys/signed_in_again.html", ctx)
