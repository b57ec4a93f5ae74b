"""Signing up and signing in: plain questions, plain errors, names in any case."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.urls import reverse

from guide.mail import ConsoleEmailBackend
from journeys.models import Profile, Role
from tests.conftest import PASSWORD, make_user
from tests.test_accounts import signup_data

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def test_the_role_question_has_no_answer_chosen_in_advance(client):
    content = client.get(reverse("signup")).content.decode()

    role_inputs = re.findall(r'<input type="radio" name="role"[^>]*>', content)
    assert len(role_inputs) == 3
    assert not any("checked" in role_input for role_input in role_inputs)
    assert "I would rather not say" in content
    assert "If you would rather not say, you see them all" in content


def test_a_sign_up_without_a_role_is_refused_on_the_role_in_plain_words(client):
    response = client.post(reverse("signup"), signup_data(role=""))

    assert errors_of(response) == {
        "role": ["Choose the answer that describes you, or “I would rather not say”."]
    }
    assert not User.objects.exists()


def test_rather_not_say_is_an_answer_and_keeps_the_role_unsaid(client):
    client.post(reverse("signup"), signup_data(role="not-said"))

    assert Profile.objects.get(user__username="sam").role == Role.NOT_SAID


def test_a_too_short_password_is_reported_on_the_password_not_its_confirmation(client):
    response = client.post(reverse("signup"), signup_data(password1="short", password2="short"))

    errors = errors_of(response)
    assert list(errors) == ["password1"]
    assert "too short" in " ".join(errors["password1"])


def test_an_empty_form_never_repeats_this_field_is_required(client):
    response = client.post(reverse("signup"), {"time_zone": "Europe/London"})

    assert "This field is required." not in response.content.decode()
    assert errors_of(response) == {
        "username": ["Enter a name to sign in with."],
        "role": ["Choose the answer that describes you, or “I would rather not say”."],
        "password1": ["Enter a password."],
    }


def test_the_password_rules_are_in_everyday_words(client):
    content = client.get(reverse("signup")).content.decode()

    assert "At least 8 characters, not only numbers" in content
    assert "personal information" not in content


def test_a_forgotten_confirmation_is_asked_for_on_the_confirmation(client):
    response = client.post(reverse("signup"), signup_data(password2=""))

    assert errors_of(response) == {"password2": ["Type your password again."]}


def test_sign_in_takes_the_username_in_any_case(client, db):
    make_user("Robin")

    response = client.post(reverse("login"), {"username": "robin", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="Robin").pk)


def test_the_admin_sign_in_takes_a_staff_username_in_any_case(client, editor):
    response = client.post(
        reverse("admin:login"),
        {"username": "EDITOR", "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_sign_up_refuses_a_name_that_exists_in_another_case(client, db):
    make_user("Robin")

    response = client.post(reverse("signup"), signup_data(username="ROBIN"))

    assert errors_of(response) == {"username": ["That name is taken. Please choose another."]}
    assert User.objects.count() == 1


def test_accounts_that_differ_only_in_case_each_still_sign_in_by_their_exact_name(client, db):
    robin, lower_robin = make_user("Robin"), make_user("robin")

    for user in (robin, lower_robin):
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post(reverse("logout"))


def test_failed_sign_ins_in_any_case_count_against_the_one_account(client, settings, db):
    make_user("Robin")
    for typed in ["robin", "ROBIN", "rObIn", "Robin", "roBIN"][: settings.AXES_FAILURE_LIMIT]:
        client.post(reverse("login"), {"username": typed, "password": "wrong"})

    response = client.post(reverse("login"), {"username": "RoBiN", "password": PASSWORD})

    assert response.status_code == 429


def test_a_wrong_password_is_told_without_blaming_capitals(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    content = response.content.decode()
    assert "That username and password do not match an account" in content
    assert "case-sensitive" not in content


def test_sign_up_keeps_the_time_zone_and_the_account_page_shows_it(client):
    client.post(reverse("signup"), signup_data(time_zone="America/Toronto"))

    assert Profile.objects.get(user__username="sam").time_zone == "America/Toronto"
    content = client.get(reverse("account")).content.decode()
    assert '<option value="America/Toronto" selected>' in content


def test_the_first_visit_after_sign_up_is_a_welcome_not_welcome_back(client, journey):
    client.post(reverse("signup"), signup_data())

    content = client.get(reverse("home")).content.decode()

    assert "Welcome to Nearer, sam" in content
    assert "Welcome back" not in content
    assert "How privacy works" in content
    assert f'href="{reverse("journeys:journey", args=[journey.slug])}"' in content


def test_after_signing_out_the_page_says_so(alice_client):
    response = alice_client.post(reverse("logout"), follow=True)

    assert "You are signed out." in response.content.decode()


def test_the_header_links_to_the_journey_my_reflections_check_ins_and_account(
    alice_client, journey
):
    content = alice_client.get(reverse("journeys:reflections")).content.decode()
    nav = content[content.index('<nav class="site-nav"') : content.index("</nav>")]

    for name, address in [
        ("Your journey", reverse("open_journey")),
        ("My reflections", reverse("journeys:reflections")),
        ("Check-ins", reverse("open_check_ins")),
        ("Account", reverse("account")),
    ]:
        assert f'href="{address}"' in nav and name in nav
    assert alice_client.get(reverse("open_journey"))["Location"] == reverse(
        "journeys:journey", args=[journey.slug]
    )
    assert alice_client.get(reverse("open_check_ins"))["Location"] == reverse(
        "journeys:check_ins", args=[journey.slug]
    )


def test_the_development_console_prints_a_long_link_whole():
    link = "http://127.0.0.1:8000/accounts/reset/MQ/" + "c" * 20 + "-" + "a" * 40 + "/"
    console = ConsoleEmailBackend(stream=io.StringIO())

    console.send_messages([EmailMessage("Reset", f"Choose a new password here:\n\n{link}\n")])

    printed = console.stream.getvalue()
    assert f"\n{link}\n" in printed
    assert "quoted-printable" not in printed
