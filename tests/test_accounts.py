import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from journeys.models import Profile, Role
from tests.conftest import PASSWORD


def signup_data(**overrides) -> dict:
    return {
        "username": "sam",
        "email": "",
        "role": Role.PARTNER,
        "time_zone": "Europe/London",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


@pytest.mark.django_db
def test_it_signs_up_with_a_pseudonym_and_no_email(client):
    response = client.post(reverse("signup"), signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="sam")
    assert user.email == ""
    assert Profile.objects.get(user=user).role == Role.PARTNER
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db
def test_the_signup_form_says_the_email_is_only_for_password_reset(client):
    response = client.get(reverse("signup"))

    assert b"Only used if you forget your password" in response.content


@pytest.mark.django_db
def test_it_keeps_what_was_typed_when_signup_fails(client):
    response = client.post(reverse("signup"), signup_data(password2="something else"))

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b'value="sam"' in response.content
    assert not User.objects.filter(username="sam").exists()


@pytest.mark.django_db
def test_it_refuses_a_weak_password(client):
    response = client.post(reverse("signup"), signup_data(password1="12345", password2="12345"))

    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_signs_in_and_out(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_in_and_out_leaves_no_trail_of_address_or_browser(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(reverse("logout"))

    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()


def test_sign_out_needs_a_post(alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405


def test_it_locks_sign_in_after_repeated_failures(client, alice, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content
    assert "_auth_user_id" not in client.session


def test_a_lockout_for_one_username_leaves_others_alone(client, alice, bob, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses(client, alice):
    alice.email = "alice@example.org"
    alice.save()

    known = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]


def test_a_signed_in_person_can_change_their_password(alice_client):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a longer walk by the river",
            "new_password2": "a longer walk by the river",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="alice").check_password("a longer walk by the river")


def test_a_very_long_username_fails_to_sign_in_like_any_other(client, alice):
    response = client.post(reverse("login"), {"username": "x" * 1000, "password": "wrong"})

    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_guesses_at_the_current_password_on_the_change_form_meet_the_lockout(
    alice_client, settings
):
    new = {
        "new_password1": "a longer walk by the river",
        "new_password2": "a longer walk by the river",
    }
    wrong = alice_client.post(reverse("password_change"), {"old_password": "guess", **new})
    assert "That is not your password" in wrong.content.decode()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        alice_client.post(reverse("password_change"), {"old_password": "guess", **new})

    locked = alice_client.post(reverse("password_change"), {"old_password": PASSWORD, **new})

    assert locked.status_code == 429
    assert User.objects.get(username="alice").check_password(PASSWORD)
