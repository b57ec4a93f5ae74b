"""Resets and new accounts are limited; a reset tells no one whether an address is known."""

import http.client
import statistics
import time
import urllib.parse

import pytest
from django.core import mail
from django.urls import reverse

from tests.test_accounts import signup_data


@pytest.fixture
def alice_with_email(alice):
    alice.email = "alice@example.org"
    alice.save()
    return alice


def ask_for_reset(client, email: str, address: str = "198.51.100.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_resets_for_one_email_stop_sending_past_the_limit_but_answer_the_same(
    client, alice_with_email, settings
):
    settings.NEARER_RESET_LIMIT_PER_EMAIL = 3
    answers = [
        ask_for_reset(client, "Alice@Example.org", address=f"198.51.100.{n}") for n in range(15)
    ]

    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == 3


def test_resets_from_one_address_are_refused_past_the_limit_in_plain_words(client, db, settings):
    settings.NEARER_RESET_LIMIT_PER_ADDRESS = 4
    for n in range(4):
        assert ask_for_reset(client, f"person{n}@example.org").status_code == 302

    refused = ask_for_reset(client, "person5@example.org")

    assert refused.status_code == 429
    assert "Too many reset requests came from here" in refused.content.decode()
    assert 'value="person5@example.org"' in refused.content.decode()
    assert ask_for_reset(client, "person5@example.org", address="198.51.100.8").status_code == 302


def test_sign_ups_from_one_address_are_refused_past_the_limit(client, db, settings):
    settings.NEARER_SIGNUP_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        made = client.post(
            reverse("signup"), signup_data(username=f"person{n}"), REMOTE_ADDR="198.51.100.7"
        )
        assert made.status_code == 302
        client.logout()

    refused = client.post(
        reverse("signup"), signup_data(username="person3"), REMOTE_ADDR="198.51.100.7"
    )

    assert refused.status_code == 429
    assert "Too many accounts were made from here" in refused.content.decode()
    assert 'value="person3"' in refused.content.decode()
    elsewhere = client.post(
        reverse("signup"), signup_data(username="person3"), REMOTE_ADDR="198.51.100.8"
    )
    assert elsewhere.status_code == 302


def test_the_reset_email_has_a_neutral_subject(client, alice_with_email):
    ask_for_reset(client, "alice@example.org")

    (email,) = mail.outbox
    assert email.subject == "Your password reset link"
    assert "Nearer" not in email.subject + email.body


def test_the_limits_are_in_the_readme(settings):
    readme = (settings.BASE_DIR / "README.md").read_text()

    for name in (
        "NEARER_RESET_LIMIT_PER_ADDRESS",
        "NEARER_RESET_LIMIT_PER_EMAIL",
        "NEARER_SIGNUP_LIMIT_PER_ADDRESS",
    ):
        assert f"| `{name}` |" in readme


# Timing, through a real server: the email goes after the answer.


def reset_time(url: str, email: str, token: str, cookie: str) -> float:
    """One request on a connection of its own, as gunicorn's sync workers serve them."""
    parts = urllib.parse.urlsplit(url)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": email}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    started = time.perf_counter()
    connection.request("POST", "/accounts/password_reset/", body, headers)
    response = connection.getresponse()
    response.read()
    took = time.perf_counter() - started
    connection.close()
    assert response.status == 302
    return took


class SlowMail:
    """An outgoing mail server that takes as long as a real one."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def send_messages(self, messages):
        time.sleep(self.seconds)
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_a_reset_takes_as_long_for_a_registered_address_as_for_an_unknown_one(
    live_server, alice_with_email, settings, monkeypatch
):
    settings.NEARER_RESET_LIMIT_PER_ADDRESS = settings.NEARER_RESET_LIMIT_PER_EMAIL = 1000
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        SlowMail(0.02).send_messages,
    )
    parts = urllib.parse.urlsplit(live_server.url)
    page = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    page.request("GET", "/accounts/password_reset/")
    response = page.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    page.close()

    # Taken in turns, so a busy moment of the machine weighs on both alike.
    registered, unknown = [], []
    for _pair in range(50):
        registered.append(reset_time(live_server.url, "alice@example.org", token, cookie))
        unknown.append(reset_time(live_server.url, "nobody@example.org", token, cookie))
    registered, unknown = statistics.median(registered), statistics.median(unknown)

    print(f"median: registered {registered * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms")
    assert abs(registered - unknown) < 0.010, (registered, unknown)
