"""A session ends NEARER_SESSION_MAX_DAYS after signing in, however active it is."""

import time

from django.urls import reverse

from journeys.models import Reflection
from tests.conftest import PASSWORD, box

DAY = 24 * 3600


def sign_in(client) -> None:
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def signed_in_days_ago(client, days: float) -> None:
    session = client.session
    session["signed_in_at"] = int(time.time() - days * DAY)
    session.save()


def test_an_active_session_within_the_lifetime_stays_signed_in(client, alice, settings):
    settings.NEARER_SESSION_MAX_SECONDS = 30 * DAY
    sign_in(client)
    signed_in_days_ago(client, 29)

    assert client.get(reverse("account")).status_code == 200


def test_past_the_lifetime_the_next_page_asks_to_sign_in_again(client, alice, settings):
    settings.NEARER_SESSION_MAX_SECONDS = 30 * DAY
    sign_in(client)
    signed_in_days_ago(client, 30)

    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_past_the_lifetime_an_autosave_answers_as_at_any_expiry_and_keeps_the_box(
    client, alice, journey, settings
):
    settings.NEARER_SESSION_MAX_SECONDS = 30 * DAY
    stage = journey.stages.order_by("position").first()
    prompt = stage.prompts.filter(audience="everyone").first()
    sign_in(client)
    signed_in_days_ago(client, 31)

    response = client.post(
        reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk]),
        box(prompt, "Still typing when the session ended"),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 401
    assert "You have been signed out. Your text is still here." in response.content.decode()
    assert not Reflection.objects.exists()


def test_signing_in_again_starts_a_new_lifetime(client, alice, settings):
    settings.NEARER_SESSION_MAX_SECONDS = 30 * DAY
    sign_in(client)
    signed_in_days_ago(client, 31)
    client.get(reverse("account"))

    sign_in(client)

    assert client.get(reverse("account")).status_code == 200


def test_the_lifetime_comes_from_the_environment_in_days(monkeypatch):
    import importlib

    import guide.settings

    monkeypatch.setenv("NEARER_SESSION_MAX_DAYS", "7")
    try:
        assert importlib.reload(guide.settings).NEARER_SESSION_MAX_SECONDS == 7 * DAY
    finally:
        monkeypatch.delenv("NEARER_SESSION_MAX_DAYS")
        importlib.reload(guide.settings)
