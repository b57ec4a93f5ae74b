"""Bad requests from anyone answer 4xx and send no error mail; no request data reaches the log."""

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import box

SECRET_TEXT = "the night I could not say it"


@pytest.fixture
def admins(settings):
    settings.ADMINS = ["operator@example.org"]


@pytest.fixture
def stage_prompt(journey):
    stage = journey.stages.order_by("position").first()
    return journey, stage, stage.prompts.filter(audience="everyone").first()


def test_a_host_we_do_not_serve_answers_400_without_mail(client, db, admins, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("home"), HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert mail.outbox == []


def test_a_body_over_the_limit_is_refused_without_mail(alice_client, admins, settings, caplog):
    with caplog.at_level(logging.INFO):
        response = alice_client.post(
            reverse("account"), {"text": SECRET_TEXT * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 20)}
        )

    assert response.status_code in (400, 413)
    assert mail.outbox == []
    assert SECRET_TEXT not in caplog.text


@pytest.mark.parametrize("current_url", ["http://[", "http://[::1"])
def test_an_unreadable_hx_current_url_answers_400_without_mail(
    db, admins, stage_prompt, current_url
):
    journey, stage, _prompt = stage_prompt
    client = Client(raise_request_exception=False)

    response = client.get(
        reverse("journeys:stage", args=[journey.slug, stage.slug]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=current_url,
    )

    assert response.status_code == 400
    assert mail.outbox == []


HUGE_NUMBERS = ["9223372036854775807", "9223372036854775808", "1e400"]


def autosave(alice, stage_prompt, data):
    journey, stage, prompt = stage_prompt
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client.post(
        reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk]),
        data,
        HTTP_HX_REQUEST="true",
    )


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_a_huge_version_in_an_autosave_answers_4xx_without_mail(
    alice, admins, stage_prompt, number
):
    prompt = stage_prompt[2]

    response = autosave(alice, stage_prompt, box(prompt, SECRET_TEXT, "1", number))

    assert 400 <= response.status_code < 500
    assert mail.outbox == []


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_a_huge_reflection_id_in_an_autosave_is_no_ones_and_sends_no_mail(
    alice, admins, stage_prompt, number
):
    prompt = stage_prompt[2]

    response = autosave(alice, stage_prompt, box(prompt, SECRET_TEXT, number, "1"))

    # Unreadable, it is refused; readable, it holds no reflection of hers, so
    # her words are saved as a new one.
    assert response.status_code in (200, 422)
    assert mail.outbox == []
