"""Attacks from outside: forged requests, scripts in text, redirects, floods, injection."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.models import CheckIn, Reflection, Stage
from tests.conftest import PASSWORD, box, write_notes
from tests.security.routes import CONTENT_PARAMETERS, content_kwargs, site_routes

SCRIPT = "<script>alert('nearer')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def content(journey):
    stage = journey.stages.order_by("position").first()
    return journey, stage, stage.prompts.filter(audience="everyone").first()


def every_url(content, pk: int) -> list[tuple[str, str]]:
    urls = []
    for route in site_routes():
        kwargs = content_kwargs(route, *content)
        if route.name == "password_reset_confirm":
            kwargs = {"uidb64": "MQ", "token": "set-password"}
        elif route.takes_user_data:
            kwargs |= dict.fromkeys(route.parameters - CONTENT_PARAMETERS, pk)
        urls.append((route.name, reverse(route.name, kwargs=kwargs)))
    return urls


# Cross-site request forgery


def test_every_post_without_a_csrf_token_is_refused(alice, content):
    reflection, _check_in = write_notes(alice, content[0], "Still here", "Still here")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    for name, url in every_url(content, reflection.pk):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, {"text": "forged", "note": "forged"}, headers=headers)
            assert response.status_code == 403, name

    assert Reflection.objects.get(pk=reflection.pk).text == "Still here"
    assert CheckIn.objects.count() == 1
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_post_with_the_token_from_the_page_goes_through(alice, content):
    reflection, _check_in = write_notes(alice, content[0], "Going", "Going")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    url = reverse("journeys:reflection_delete", args=[reflection.pk])
    client.get(url)

    response = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert response.status_code == 302
    assert not Reflection.objects.filter(pk=reflection.pk).exists()


# Stored cross-site scripting


def test_scripts_in_notes_and_names_are_shown_as_text(alice, content):
    alice.username = "al<b>ice</b>"
    alice.save()
    reflection, _check_in = write_notes(alice, content[0], SCRIPT + IMAGE, IMAGE + SCRIPT)
    client = Client()
    client.force_login(alice)
    shown = b""

    for name, url in every_url(content, reflection.pk):
        # Downloads hold the text as written, as attachments the browser never renders.
        if name in {"logout", "account_sign_out_everywhere"} or name.startswith("account_export"):
            continue
        page = client.get(url).content
        shown += page
        assert SCRIPT.encode() not in page, name
        assert IMAGE.encode() not in page, name
        assert b"<b>ice</b>" not in page, name

    assert b"&lt;script&gt;alert(&#x27;nearer&#x27;)&lt;/script&gt;" in shown


def test_downloads_are_attachments_the_browser_does_not_sniff(alice_client, content):
    write_notes(User.objects.get(username="alice"), content[0], SCRIPT, SCRIPT)

    for name in ["account_export_json", "account_export_md"]:
        response = alice_client.get(reverse(name))
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "html" not in response["Content-Type"]


def test_scripts_and_javascript_links_in_stage_markdown_are_removed(alice_client, content):
    journey, stage, _prompt = content
    Stage.objects.filter(pk=stage.pk).update(
        body=f"Hello {SCRIPT}\n\n[click](javascript:alert(1))\n\n<img src=x onerror=alert(1)>"
    )

    page = alice_client.get(reverse("journeys:stage", args=[journey.slug, stage.slug]))

    assert page.status_code == 200
    assert b"<script>alert" not in page.content
    assert b'href="javascript:' not in page.content
    assert b"<img src=x onerror" not in page.content


# Open redirects


EVIL = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "\\\\evil.example",
    "http://testserver@evil.example/",
]


@pytest.mark.parametrize("target", EVIL)
def test_signing_in_never_sends_anyone_to_another_site(client, alice, target):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", EVIL)
def test_signing_out_never_sends_anyone_to_another_site(alice_client, target):
    response = alice_client.post(reverse("logout") + "?next=" + target, {"next": target})

    assert response.status_code == 302
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_signing_up_never_sends_anyone_to_another_site(client, db, target):
    response = client.post(
        reverse("signup") + "?next=" + target,
        {
            "username": "sam",
            "role": "not-said",
            "time_zone": "Europe/London",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": target,
        },
    )

    assert response.status_code == 302
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_the_sign_in_page_does_not_offer_a_foreign_next(client, db, target):
    response = client.get(reverse("login"), {"next": target})

    assert b"evil.example" not in response.content or response.context["next"] == ""


# Oversized bodies


def test_a_body_over_the_limit_gets_a_clear_413_and_saves_nothing(alice_client, content, settings):
    journey, stage, prompt = content
    url = reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk])

    response = alice_client.post(
        url, box(prompt, "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 413
    assert b"We could not read that" in response.content
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("url_name", ["login", "signup", "account", "password_reset"])
def test_an_upload_over_the_limit_gets_a_413_on_any_page(client, alice, settings, url_name):
    upload = SimpleUploadedFile("big.bin", b"\0" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))

    response = client.post(reverse(url_name), {"username": "alice", "file": upload})

    assert response.status_code == 413
    assert b"We could not read that" in response.content


def test_the_longest_reflection_in_four_byte_characters_fits_under_the_limit(alice_client, content):
    journey, stage, prompt = content
    url = reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk])
    text = "🌊" * 20_000

    response = alice_client.post(url, box(prompt, text), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert Reflection.objects.get().text == text


def test_too_many_fields_get_a_400(alice_client, settings):
    too_many = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    response = alice_client.post(reverse("account"), {f"f{n}": "x" for n in range(too_many)})

    assert response.status_code == 400


# Guessing passwords


def test_sign_in_locks_after_the_failure_limit_and_opens_after_the_cool_off(
    client, alice, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "guess"})
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    opened = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert opened.status_code == 302
    assert "_auth_user_id" in client.session


# SQL injection


@pytest.mark.parametrize(
    "query",
    [
        {"q": "' OR 1=1 --"},
        {"q": '" OR ""="'},
        {"q": "%' UNION SELECT text FROM journeys_reflection --"},
        {"stage": "1 OR 1=1"},
        {"stage": "1; DROP TABLE journeys_reflection"},
        {"page": "1 OR 1=1"},
    ],
)
def test_search_and_filters_are_not_sql(alice, bob, content, query):
    write_notes(alice, content[0], "Alice's words", "Alice's note")
    write_notes(bob, content[0], "Bob's words", "Bob's note")
    client = Client()
    client.force_login(alice)

    response = client.get(reverse("journeys:reflections"), query)

    assert response.status_code == 200
    assert b"Bob&#x27;s words" not in response.content
    assert b"Bob's words" not in response.content
    assert Reflection.objects.count() == 2


# Methods


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "OPTIONS"])
def test_every_page_and_export_answers_405_to_methods_other_than_get_head_and_post(
    alice, content, method
):
    client = Client()
    client.force_login(alice)
    pk = Reflection.objects.create(
        user=alice, prompt=content[2], prompt_text=content[2].text, text="Mine"
    ).pk
    urls = [*every_url(content, pk), ("admin", "/admin/")]

    answers = {name: client.generic(method, url).status_code for name, url in urls}

    assert set(answers.values()) == {405}, answers
    assert client.generic(method, reverse("home"))["Allow"] == "GET, HEAD, POST"
