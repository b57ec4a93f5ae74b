"""The account page and the person's own data: change, export, delete, sign out."""

import json
from collections.abc import Callable
from functools import wraps

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from guide.forms import AccountForm, DeleteAccountForm, PasswordChangeForm, PasswordResetForm
from guide.limits import over_limit, over_limit_from
from guide.sessions import end_sessions_of
from guide.tasks import send_templated_email
from journeys.export import export_data, export_markdown
from journeys.forms import (
    QuestionChange,
    QuestionChangeForm,
    SummaryAction,
    SummaryForm,
    typed_questions,
)
from journeys.models import CareQuestion, Partnership
from journeys.partners import code_attempt_names
from journeys.summary import Summary, compose, pdf_from_html
from journeys.views.signed_in import HtmxHttpRequest, render_page_or_part, signed_in

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
# Keeps the cookie that carries the "you are signed out / deleted" message to
# the next page; the session it replaces is already gone from the database.
CLEAR_SITE_DATA_KEEP_MESSAGE = '"cache", "storage"'


def clear_site_data(view: Callable, value: str = CLEAR_SITE_DATA) -> Callable:
    """Asks the browser to forget this site's data once a POST has signed the person out."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST" and not request.user.is_authenticated:
            response["Clear-Site-Data"] = value
        return response

    return wrapper


def clear_site_data_but_message(view: Callable) -> Callable:
    return clear_site_data(view, CLEAR_SITE_DATA_KEEP_MESSAGE)


def _download(content: str | bytes, name: str, kind: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    filename = f"{name}-{timezone.localdate():%Y-%m-%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@sensitive_post_parameters("password")
@login_required
def account(request: HttpRequest) -> HttpResponse:
    profile = request.user.profile
    initial = {"role": profile.role, "time_zone": profile.time_zone or settings.TIME_ZONE}
    old_email = request.user.email
    form = AccountForm(request, request.POST or None, instance=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        if old_email and "email" in form.changed_data:
            _tell_old_address(old_email)
        messages.success(request, _("Your changes are saved."))
        return redirect("account")
    return render(request, "account/account.html", {"form": form, "profile": profile})


def _tell_old_address(email: str) -> None:
    """A short notice that the reset address changed, so a takeover does not go unseen."""
    send_templated_email.enqueue(
        "account/email_changed_subject.txt", "account/email_changed_email.txt", {}, email
    )


@login_required
@never_cache
def account_export_json(request: HttpRequest) -> HttpResponse:
    content = json.dumps(export_data(request.user), ensure_ascii=False, indent=2)
    return _download(content, "nearer", "json", "application/json; charset=utf-8")


@login_required
@never_cache
def account_export_md(request: HttpRequest) -> HttpResponse:
    return _download(export_markdown(request.user), "nearer", "md", "text/markdown; charset=utf-8")


@login_required
@never_cache
# The questions are private notes; the "For:" line may name a person.
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def account_summary(request: HttpRequest) -> HttpResponse:
    """Composes a summary for the care team; shows it to print, or sends it as a PDF.

    Nothing of the summary is stored: only the person's questions, kept for next time.
    """
    form = SummaryForm(request.POST or None, user=request.user)
    # A reflection that is not this person's is as if it did not exist.
    if form.has_error("reflections", "invalid_choice"):
        raise Http404
    action = form.cleaned_data["action"] if form.is_valid() else None
    if action not in (SummaryAction.SHOW, SummaryAction.PDF):
        return render(request, "account/summary.html", {"form": form})
    data = form.cleaned_data
    CareQuestion.objects.replace_for(user=request.user, texts=data["questions"])
    summary = compose(
        request.user,
        reflections=data["reflections"],
        period=data["period"],
        questions=data["questions"],
        for_whom=data["for_whom"].strip(),
        show_name=data["show_name"],
        paper=data["paper"],
    )
    if action == SummaryAction.PDF:
        return _summary_pdf(request, summary)
    return render(request, "account/summary_print.html", {"form": form, "summary": summary})


def _questions_given_back(request: HttpRequest) -> HttpResponse:
    """A change to the questions sent after the session ended, without
    JavaScript: nothing is stored, and every question typed comes back to copy."""
    ctx = {
        "questions": "\n".join(typed_questions(request.POST)),
        "login_url": redirect_to_login(reverse("account_summary"))["Location"],
    }
    return render(request, "account/questions_signed_out.html", ctx, status=401)


@never_cache
@sensitive_post_parameters()
@signed_in("account/summary.html#questions-signed-out", signed_out_page=_questions_given_back)
@require_POST
def account_summary_questions(request: HtmxHttpRequest) -> HttpResponse:
    """Adds, saves, moves, removes or clears the questions for the care team.

    The rest of the page comes back as it was typed. The list is kept once
    every question fits; clearing asks first. With htmx only the questions
    (and the error summary) are sent back.
    """
    change = QuestionChangeForm(request.POST)
    if not change.is_valid():
        return HttpResponseBadRequest()
    questions, focus = change.applied_to(typed_questions(request.POST))
    form = SummaryForm(request.POST, user=request.user, questions=questions)
    form.questions.land_on(focus)
    what, _number = change.cleaned_data["change"]
    asking = what == QuestionChange.CLEAR
    saved = not asking and form.questions.is_valid()
    if saved:
        CareQuestion.objects.replace_for(user=request.user, texts=form.questions.texts())
    ctx = {"form": form, "focus": focus, "asking_to_clear": asking, "saved": saved}
    return render_page_or_part(request, "account/summary.html", "questions-answer", ctx)


def _summary_pdf(request: HttpRequest, summary: Summary) -> HttpResponse:
    html = render_to_string("account/summary_pdf.html", {"summary": summary}, request=request)
    return _download(pdf_from_html(html), "summary", "pdf", "application/pdf")


@require_POST
@login_required
@clear_site_data_but_message
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    end_sessions_of(request.user)
    logout(request)
    messages.success(request, _("You are signed out on every device, this one too."))
    return redirect("login")


@sensitive_post_parameters("password")
@login_required
@clear_site_data_but_message
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(request, _("Your account and everything in it are deleted."))
        return redirect("home")
    return render(request, "account/delete.html", {"form": form})


def delete_account(user) -> None:
    """Deletes the person and every row that is theirs.

    Unlinking first takes away everything the two shared with each other.
    Reflections, progress, check-ins, the profile, admin history and
    sessions go with the user (their foreign keys cascade); the sign-in
    records kept by the lockout protection are keyed by username, so they
    are deleted by name, with the wrong partner codes counted for the account.
    """
    names = [user.get_username(), *code_attempt_names(user)[:1]]
    with transaction.atomic():
        Partnership.objects.unlink(user)
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__in=names).delete()
        user.delete()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # SQLite's secure_delete (settings) zeroes the deleted rows in the
        # database file; their earlier versions stay in the write-ahead log
        # until it is copied back and emptied, which only committed pages can be.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which also ends every other session at once."""

    form_class = PasswordChangeForm
    http_method_names = ["get", "post"]

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        del kwargs["user"]
        return {**kwargs, "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        end_sessions_of(self.request.user, keep=self.request.session.session_key)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset request, limited per address and per email address.

    Past the limit for one email address the page answers as usual and sends
    nothing, so it tells no one whether the address has an account.
    """

    form_class = PasswordResetForm
    http_method_names = ["get", "post"]

    def form_valid(self, form):
        if over_limit_from(self.request, "reset-from", settings.NEARER_RESET_LIMIT_PER_ADDRESS):
            form.add_error(
                None, _("Too many reset requests came from here. Please try again in an hour.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        email = form.cleaned_data["email"].casefold()
        if over_limit("reset-to", email, settings.NEARER_RESET_LIMIT_PER_EMAIL):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's password reset, which also ends every session of that person."""

    http_method_names = ["get", "post"]

    def form_valid(self, form):
        response = super().form_valid(form)
        end_sessions_of(form.user)
        return response
