"""Note text never reaches staff, logs or error reports."""

import logging
import sys
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.views.debug import (
    ExceptionReporter,
    get_exception_reporter_class,
    technical_500_response,
)

from guide.logging import ScrubNoteTextFilter
from journeys.drafts import edit_token
from journeys.models import CheckIn, Profile, Reflection, StageDraft, StageProgress, StageVersion
from tests.conftest import PASSWORD, box, make_user, write_notes
from tests.security.forms import note_targets
from tests.security.routes import CONTENT_PARAMETERS, PUBLIC, content_kwargs, site_routes
from tests.test_admin import stage_form

SECRET_TEXT = "I have been afraid to be touched since the surgery"
SECRET_NOTE = "We held hands tonight for the first time"


@pytest.fixture
def superuser(db):
    user = make_user("operator")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def leaked(*texts: str) -> bool:
    return any(secret in text for text in texts for secret in (SECRET_TEXT, SECRET_NOTE))


def test_notes_progress_and_profiles_have_no_admin():
    registered = set(admin.site._registry)

    assert not registered & {Reflection, CheckIn, StageProgress, Profile}


def test_no_admin_page_shows_note_text(superuser, alice, journey):
    write_notes(alice, journey, SECRET_TEXT, SECRET_NOTE)
    client = Client()
    client.force_login(superuser)
    pages = [reverse("admin:index"), reverse("admin:auth_user_change", args=[alice.pk])]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not leaked(response.content.decode()), url


def test_admin_history_holds_no_note_text(superuser, alice, journey):
    write_notes(alice, journey, SECRET_TEXT, SECRET_NOTE)
    client = Client()
    client.force_login(superuser)
    client.post(
        reverse("admin:auth_user_change", args=[alice.pk]),
        {
            "username": "alice2",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "10:00:00",
        },
    )

    assert not any(
        leaked(entry.change_message, entry.object_repr) for entry in LogEntry.objects.all()
    )


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_drafts_previews_and_history_show_staff_no_note_text(who, request, alice, journey):
    reflection, _check_in = write_notes(alice, journey, SECRET_TEXT, SECRET_NOTE)
    stage = reflection.prompt.stage
    client = Client()
    client.force_login(request.getfixturevalue(who))
    change = reverse("admin:journeys_stage_change", args=[stage.pk])
    client.post(change, stage_form(stage, body="Published words.") | {"_publish": "Publish"})
    client.post(change, stage_form(stage, body="Drafted words.", seen=edit_token(stage)))
    preview = reverse("admin:journeys_stage_preview", args=[stage.pk])
    pages = [
        change,
        preview,
        preview + "?role=recovering",
        preview + "?role=partner",
        reverse("admin:journeys_stage_history", args=[stage.pk]),
        reverse("admin:journeys_prompt_changelist"),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not leaked(response.content.decode()), url
    assert "Drafted words." in client.get(preview).content.decode()
    assert StageVersion.objects.filter(stage=stage).exists()
    kept = [draft.content for draft in StageDraft.objects.all()]
    kept += [version.content for version in StageVersion.objects.all()]
    assert not leaked(str(kept))
    assert not any(
        leaked(entry.change_message, entry.object_repr) for entry in LogEntry.objects.all()
    )


def note_receiving_addresses(alice, journey) -> set[tuple[str, str]]:
    """Every (address, field) a page offers for sending note text, from every page."""
    stage = journey.stages.order_by("position").first()
    prompt = stage.prompts.first()
    reflection, _check_in = write_notes(alice, journey, "Some words", "A note")
    client = Client()
    client.force_login(alice)
    targets: set[tuple[str, str]] = set()
    for route in site_routes():
        if route.name in PUBLIC | {"account_sign_out_everywhere"}:
            continue
        kwargs = content_kwargs(route, journey, stage, prompt)
        if route.takes_user_data:
            kwargs |= dict.fromkeys(route.parameters - CONTENT_PARAMETERS, reflection.pk)
        response = client.get(reverse(route.name, kwargs=kwargs))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            targets |= note_targets(response.content.decode())
    return targets


def test_every_view_that_receives_note_text_marks_it_sensitive(alice, journey):
    targets = note_receiving_addresses(alice, journey)
    client = Client()
    client.force_login(alice)
    views = set()

    for address, field in targets:
        path = urlsplit(address).path
        response = client.post(path, {field: SECRET_TEXT})
        marked = getattr(response.wsgi_request, "sensitive_post_parameters", ())
        assert marked == "__ALL__" or field in marked, (path, field)
        views.add(resolve(path).view_name)

    assert {
        "journeys:save_reflection",
        "journeys:save_stage",
        "journeys:check_ins",
        "account_summary",
        "account_summary_questions",
    } <= views


def raise_with(text: str):
    def fail(*args, **kwargs):
        words = text  # a local that holds the note, as real code would have
        raise RuntimeError(f"could not save {words}")

    return fail


@pytest.mark.parametrize("route", ["check_ins", "save_reflection", "save_stage", "reflection_edit"])
def test_an_error_while_saving_a_note_reports_no_note_text(
    route, alice, journey, settings, monkeypatch, caplog
):
    settings.ADMINS = ["operator@example.org"]
    reflection, _check_in = write_notes(alice, journey, "Before", "Before")
    stage = reflection.prompt.stage
    monkeypatch.setattr("journeys.models.Reflection.save", raise_with(SECRET_TEXT))
    monkeypatch.setattr("journeys.models.CheckIn.save", raise_with(SECRET_TEXT))
    monkeypatch.setattr("journeys.models.ReflectionQuerySet.save_over", raise_with(SECRET_TEXT))
    url = {
        "check_ins": reverse("journeys:check_ins", args=[journey.slug]),
        "save_reflection": reverse(
            "journeys:save_reflection", args=[journey.slug, stage.slug, reflection.prompt_id]
        ),
        "save_stage": reverse("journeys:save_stage", args=[journey.slug, stage.slug]),
        "reflection_edit": reverse("journeys:reflection_edit", args=[reflection.pk]),
    }[route]
    client = Client(raise_request_exception=False)
    client.force_login(alice)

    with caplog.at_level(logging.INFO):
        response = client.post(
            url,
            {
                "text": SECRET_TEXT,
                "note": SECRET_TEXT,
                "readiness": 3,
                "version": 1,
                **box(reflection.prompt, SECRET_TEXT, reflection.pk, 1),
            },
        )

    assert response.status_code == 500
    assert len(mail.outbox) == 1
    report = mail.outbox[0]
    html = "".join(str(content) for content, _type in report.alternatives)
    assert "RuntimeError" in report.body
    assert not leaked(report.subject, report.body, html, caplog.text, response.content.decode())


def test_debug_error_pages_hide_posted_text_note_like_variables_and_searches(db, alice):
    search = " ".join(["afraid", "to", "be", "touched"])  # never whole in this source
    request = RequestFactory().post(
        "/reflections/?" + urlencode({"q": search}), {"text": SECRET_TEXT, "note": SECRET_NOTE}
    )
    request.user = alice
    try:
        text = SECRET_TEXT  # noqa: F841 (read by the report)
        words = SECRET_NOTE  # noqa: F841
        raise ValueError(f"bad input: {SECRET_NOTE}")
    except ValueError:
        exc_info = sys.exc_info()

    reports = [
        ExceptionReporter(request, *exc_info).get_traceback_text(),
        technical_500_response(request, *exc_info).content.decode(),
    ]
    reporter = get_exception_reporter_class(request)(request, *exc_info, is_email=True)
    reports += [reporter.get_traceback_text(), reporter.get_traceback_html()]

    for report in reports:
        assert SECRET_TEXT not in report
    for report in reports[1:]:
        assert SECRET_NOTE not in report
        assert search not in report
        assert urlencode({"q": search}) not in report


def test_log_lines_about_a_request_lose_its_text(db):
    request = RequestFactory().post("/reflections/1/edit/", {"text": SECRET_TEXT})
    try:
        raise ValueError(f"could not save {SECRET_TEXT}")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Error with %s",
            (SECRET_TEXT,),
            sys.exc_info(),
        )
    record.request = request

    ScrubNoteTextFilter().filter(record)

    assert not leaked(logging.Formatter().format(record))
    assert request.sensitive_post_parameters == "__ALL__"


def test_every_log_handler_scrubs_note_text(settings):
    for name, handler in settings.LOGGING["handlers"].items():
        assert "scrub_notes" in handler.get("filters", []), name


def test_a_successful_sign_in_or_out_leaves_no_log_of_who_or_from_where(client, alice, caplog):
    with caplog.at_level(logging.DEBUG):
        signed_in = client.post(
            reverse("login"),
            {"username": "alice", "password": PASSWORD},
            REMOTE_ADDR="198.51.100.7",
        )
        client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")

    assert signed_in.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "alice" not in caplog.text
    assert "198.51.100.7" not in caplog.text
