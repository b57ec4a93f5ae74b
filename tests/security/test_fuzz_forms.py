"""Random text, control characters and long Unicode into every form: never a 500,
and what a form accepts reads back exactly as it was accepted."""

import unicodedata

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.models import CheckIn, Reflection
from tests.conftest import PASSWORD, box, write_notes

# Lone surrogates cannot be sent as UTF-8 by any browser; everything else can.
any_character = st.characters(exclude_categories=["Cs"])
control_characters = st.characters(min_codepoint=0, max_codepoint=0x1F)
random_text = st.one_of(
    st.text(any_character, max_size=200),
    st.text(st.one_of(control_characters, any_character), max_size=50),
    st.builds(lambda c, n: c * n, any_character, st.integers(1, 21_000)),
)
fuzz = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def signed_in(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@fuzz
@given(text=random_text)
def test_the_stage_page_box_keeps_exactly_what_it_accepts(signed_in, alice, journey, text):
    stage = journey.stages.order_by("position").first()
    prompt = stage.prompts.first()
    url = reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk])

    response = signed_in.post(url, box(prompt, text), HTTP_HX_REQUEST="true")

    assert response.status_code < 500
    if response.status_code == 200 and text.strip():
        assert Reflection.objects.for_user(alice).order_by("-pk").first().text == text


@fuzz
@given(text=random_text)
def test_editing_a_reflection_keeps_exactly_what_it_accepts(signed_in, alice, journey, text):
    reflection, _check_in = write_notes(alice, journey, "Before", "Before")
    url = reverse("journeys:reflection_edit", args=[reflection.pk])

    response = signed_in.post(url, {"text": text, "version": 1})

    assert response.status_code < 500
    reflection.refresh_from_db()
    if response.status_code == 302:
        assert reflection.text == text
    else:
        assert reflection.text == "Before"


@fuzz
@given(note=random_text, readiness=st.sampled_from(["1", "3", "5", "0", "6", "x", ""]))
def test_a_check_in_keeps_exactly_what_it_accepts(signed_in, alice, journey, note, readiness):
    url = reverse("journeys:check_ins", args=[journey.slug])
    before = CheckIn.objects.for_user(alice).count()

    response = signed_in.post(url, {"note": note, "readiness": readiness})

    assert response.status_code < 500
    if response.status_code == 302:
        # The form trims spaces around a note; that trimmed note is what it accepts.
        assert CheckIn.objects.for_user(alice).order_by("-pk").first().note == note.strip()
    else:
        assert CheckIn.objects.for_user(alice).count() == before


@fuzz
@given(q=random_text, stage=random_text, page=random_text)
def test_searching_never_fails(signed_in, journey, q, stage, page):
    response = signed_in.get(
        reverse("journeys:reflections"), {"q": q, "stage": stage, "page": page}
    )

    assert response.status_code < 500


@fuzz
@given(username=random_text, email=random_text, time_zone=random_text, role=random_text)
def test_the_account_form_keeps_exactly_what_it_accepts(
    signed_in, alice, username, email, time_zone, role
):
    response = signed_in.post(
        reverse("account"),
        {"username": username, "email": email, "time_zone": time_zone, "role": role},
    )

    assert response.status_code < 500
    if response.status_code == 302:
        alice.refresh_from_db()
        assert alice.username == unicodedata.normalize("NFKC", username.strip())


@fuzz
@given(username=random_text, password=random_text, email=random_text)
def test_signing_up_and_in_never_fails(db, username, password, email):
    client = Client()
    signup = client.post(
        reverse("signup"),
        {"username": username, "email": email, "password1": password, "password2": password},
    )
    login = Client().post(reverse("login"), {"username": username, "password": password})

    assert signup.status_code < 500
    assert login.status_code < 500


@fuzz
@given(password=random_text)
def test_the_delete_form_never_fails_and_deletes_only_with_the_password(signed_in, alice, password):
    response = signed_in.post(reverse("account_delete"), {"password": password})

    assert response.status_code < 500
    assert User.objects.filter(pk=alice.pk).exists() == (password != PASSWORD)
