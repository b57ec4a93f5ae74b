"""Together: linking with a partner, sharing one reflection at a time,
answering a question together, comparing readiness, unlinking.

Every lookup starts from the signed-in person (see the QuerySet methods in
journeys.models); another pair's addresses answer 404. Linking and inviting
ask for the password; unlinking, stopping a share and withdrawing never do.
"""

from itertools import groupby

from axes.helpers import get_lockout_response
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from journeys import partners
from journeys.forms import (
    ConfirmPasswordForm,
    InvitationCodeForm,
    ReadinessComparingForm,
    SharingForm,
    TogetherAnswerForm,
)
from journeys.models import (
    Invitation,
    Partnership,
    Prompt,
    Reflection,
    Share,
    TogetherAnswer,
    TogetherQuestion,
)
from journeys.views.signed_in import HtmxHttpRequest, signed_in

PAGE = "journeys/partner.html"
JOIN_PAGE = "journeys/partner_join.html"
TOGETHER_PAGE = "journeys/partner_together.html"
SHARING_PAGE = "journeys/partner_sharing.html"


# One message for every code that opens nothing, so codes cannot be probed.
NO_SUCH_CODE = gettext_lazy(
    "This code does not open an invitation. It may be mistyped, already used, "
    "cancelled or more than a day old. Ask your partner for a new one."
)


def _back(request: HttpRequest, default: str) -> str:
    """Where a form without JavaScript returns to: the page it was on, on this site."""
    back = request.POST.get("back", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return back if back and safe else default


def _my_reflection(request: HttpRequest, pk: int) -> Reflection:
    mine = Reflection.objects.for_user(request.user).select_related("share")
    return get_object_or_404(mine, pk=pk)


def _together_question(request: HttpRequest, pk: int) -> TogetherQuestion:
    ours = TogetherQuestion.objects.for_user(request.user).select_related("prompt__stage__journey")
    return get_object_or_404(ours, pk=pk)


def _page(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    ctx = {
        "partner": partners.partner_of(request.user),
        "invitation": Invitation.objects.for_user(request.user).open().first(),
        "password_form": ConfirmPasswordForm(request),
        "code_form": InvitationCodeForm(),
        # Read only where the page shows it, when linked.
        "together": TogetherQuestion.objects.for_user(request.user).select_related("prompt__stage"),
        **extra,
    }
    return render(request, PAGE, ctx, status=status)


@signed_in()
@require_http_methods(["GET"])
def partner(request: HttpRequest) -> HttpResponse:
    return _page(request)


# Linking


@never_cache
@sensitive_post_parameters("password")
@signed_in()
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    if partners.partner_of(request.user):
        return redirect("journeys:partner")
    form = ConfirmPasswordForm(request, request.POST)
    if not form.is_valid():
        return _page(request, status=422, password_form=form)
    code = partners.invite(request.user)
    # Shown once, here, and never stored: the page is not cached either.
    join_url = request.build_absolute_uri(reverse("journeys:partner_join", args=[code]))
    return _page(request, new_code=code, join_url=join_url)


@signed_in()
@require_POST
def cancel_invitation(request: HttpRequest) -> HttpResponse:
    partners.cancel_invitation(request.user)
    messages.success(request, _("Your invitation is cancelled. Its code no longer works."))
    return redirect("journeys:partner")


@signed_in()
@require_POST
def enter_code(request: HttpRequest) -> HttpResponse:
    form = InvitationCodeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=422, code_form=form)
    code = partners.normalised(form.cleaned_data["code"])
    return redirect("journeys:partner_join", code=partners.grouped(code))


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, JOIN_PAGE, {"refusal": message}, status=status)


@never_cache
@sensitive_post_parameters("password")
@signed_in()
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    locked = partners.locked_code_attempts(request)
    if locked:
        return get_lockout_response(request, None, locked)
    invitation = partners.invitation_for_code(request, code)
    if invitation is None:
        return _refusal(request, NO_SUCH_CODE, status=404)
    if invitation.user_id == request.user.pk:
        return _refusal(request, _("This is your own invitation: give it to your partner."), 400)
    if partners.partner_of(request.user) or partners.partner_of(invitation.user):
        message = _(
            "One of you is already linked with someone. A person can link with one partner."
        )
        return _refusal(request, message, status=409)
    form = ConfirmPasswordForm(request, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if not partners.link(invitation, request.user):
            return _refusal(request, NO_SUCH_CODE, status=409)
        messages.success(
            request, _("You are linked. Nothing is shared until one of you shares it.")
        )
        return redirect("journeys:partner")
    ctx = {"inviter": invitation.user, "code": code, "form": form}
    return render(request, JOIN_PAGE, ctx, status=422 if form.errors else 200)


@signed_in()
@require_POST
def unlink(request: HttpRequest) -> HttpResponse:
    Partnership.objects.unlink(request.user)
    messages.success(
        request, _("You are no longer linked. Nothing of yours is visible to them now.")
    )
    return redirect("journeys:partner")


# Sharing


@signed_in()
@require_http_methods(["GET", "POST"])
def sharing(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Share one of my reflections with my partner, or stop sharing it; a
    plain page for the same choice without JavaScript or from a bookmark."""
    reflection = _my_reflection(request, pk)
    partner = partners.partner_of(request.user)
    if request.method == "POST":
        form = SharingForm(request.POST)
        if not form.is_valid():
            return HttpResponse(status=400)
        mine = Share.objects.for_user(request.user).filter(reflection=reflection)
        if form.cleaned_data["action"] == "stop":
            mine.delete()
        elif partner:
            mine.get_or_create(reflection=reflection)
        if not request.htmx:
            return redirect(_back(request, reverse("journeys:reflections")))
        reflection = _my_reflection(request, pk)
    ctx = {"reflection": reflection, "partner": partner, "answered": request.method == "POST"}
    template = f"{SHARING_PAGE}#control" if request.htmx else SHARING_PAGE
    return render(request, template, ctx)


def partner_pieces(request: HttpRequest, prompts: list[Prompt] = ()) -> dict:
    """What the stage page and My reflections show of the partner: who,
    when linked, and on each prompt the question the two answer together
    (`together`). Nothing at all when not linked."""
    partner = partners.partner_of(request.user)
    if partner and prompts:
        ours = TogetherQuestion.objects.for_user(request.user).filter(prompt__in=prompts)
        asked = {question.prompt_id: question for question in ours}
        for prompt in prompts:
            prompt.together = asked.get(prompt.pk)
    return {"partner": partner}


def _shared_with_me(request: HttpRequest):
    return (
        Share.objects.shared_with(request.user)
        .select_related("reflection__prompt__stage__journey")
        .order_by(
            "reflection__prompt__stage__journey",
            "reflection__prompt__stage__position",
            "reflection__prompt__stage",
            "-reflection__created",
            "-pk",
        )
    )


@signed_in()
@require_http_methods(["GET"])
def shared(request: HttpRequest) -> HttpResponse:
    shares = _shared_with_me(request)
    stages = [
        (stage, list(group))
        for stage, group in groupby(shares, key=lambda share: share.reflection.prompt.stage)
    ]
    ctx = {"partner": partners.partner_of(request.user), "stages": stages}
    return render(request, "journeys/partner_shared.html", ctx)


@signed_in()
@require_http_methods(["GET"])
def shared_one(request: HttpRequest, pk: int) -> HttpResponse:
    share = get_object_or_404(_shared_with_me(request), pk=pk)
    ctx = {"partner": partners.partner_of(request.user), "share": share}
    return render(request, "journeys/partner_shared.html", ctx)


# Answering together


@signed_in()
@require_POST
def ask_together(request: HttpRequest, prompt_id: int) -> HttpResponse:
    if partners.partner_of(request.user) is None:
        raise Http404
    prompt = get_object_or_404(
        Prompt.objects.visible_to(request.user), pk=prompt_id, audience="everyone"
    )
    question = TogetherQuestion.objects.ask(request.user, prompt)
    return redirect("journeys:partner_together", pk=question.pk)


@sensitive_post_parameters()
@signed_in()
@require_http_methods(["GET", "POST"])
def together(request: HttpRequest, pk: int) -> HttpResponse:
    question = _together_question(request, pk)
    if request.POST.get("action") == "withdraw":
        # Their answer goes from the partner's view; the reflection stays theirs.
        TogetherAnswer.objects.for_user(request.user).filter(question=question).delete()
        messages.success(
            request, _("Your answer is withdrawn. It is still yours, on My reflections.")
        )
        return redirect("journeys:partner_together", pk=question.pk)
    answers = list(question.answers.select_related("reflection"))
    mine = next((answer for answer in answers if answer.user_id == request.user.pk), None)
    if request.method == "POST":
        form = TogetherAnswerForm(request.POST, prompt=question.prompt)
    else:
        # As on the stage page, what they wrote on this question today is in the box to go on with.
        form = TogetherAnswerForm(
            prompt=question.prompt, reflection=_written_today(request, question)
        )
    if form.is_bound and mine is None and form.is_valid():
        with transaction.atomic():
            # The box may hold the reflection it has been saving into as they wrote.
            saved = Reflection.save_box(request.user, question.prompt, **form.cleaned_data)
            TogetherAnswer.objects.create(
                question=question, user=request.user, reflection=saved.reflection
            )
        return redirect("journeys:partner_together", pk=question.pk)
    theirs = next((answer for answer in answers if answer.user_id != request.user.pk), None)
    ctx = {
        "question": question,
        "partner": partners.partner_of(request.user),
        "mine": mine,
        # Before both have answered, nothing tells whether the partner has.
        "theirs": theirs if mine else None,
        "form": form,
    }
    return render(request, TOGETHER_PAGE, ctx, status=422 if form.errors else 200)


def _written_today(request: HttpRequest, question: TogetherQuestion) -> Reflection | None:
    mine = Reflection.objects.for_user(request.user).filter(prompt=question.prompt)
    return mine.filter(created__date=timezone.localdate()).first()


# Readiness


def readiness_pieces(request: HttpRequest) -> dict:
    """What the check-ins page shows of the partner: when linked, this
    person's own choice to compare, and whether to show the one sentence."""
    link = Partnership.objects.for_user(request.user).select_related("partner").first()
    if link is None:
        return {}
    return {
        "partner": link.partner,
        "compares_readiness": link.compares_readiness,
        "readiness_differs": partners.readiness_differs(link),
    }


@signed_in()
@require_POST
def compare_readiness(request: HttpRequest) -> HttpResponse:
    form = ReadinessComparingForm(request.POST)
    if form.is_valid():
        Partnership.objects.for_user(request.user).update(
            compares_readiness=form.cleaned_data["compares"]
        )
    return redirect(_back(request, reverse("open_check_ins")))
