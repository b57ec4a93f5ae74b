import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_there_are_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "help", "login", "signup", "password_reset"])
def test_public_pages_answer_with_one_heading(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.django_db
def test_every_page_offers_a_quick_exit_and_says_it_is_not_medical_advice(client):
    content = client.get(reverse("home")).content.decode()

    assert "Leave this page quickly" in content
    assert "Not medical advice" in content
    assert reverse("help") in content


@pytest.mark.django_db
def test_htmx_is_served_by_the_site_itself_with_a_nonce(client):
    response = client.get(reverse("home"))
    content = response.content.decode()

    sources = re.findall(r'<script[^>]* src="([^"]*)"', content)
    assert any("htmx" in source for source in sources)
    # Every script from the site itself: no CDN, no other host.
    assert all(source.startswith("/static/") for source in sources), sources
    assert "nonce-" in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEARER_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "guide.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "NEARER_ENCRYPTION_KEYS"]
)
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "nearer.example",
        "NEARER_ENCRYPTION_KEYS": "Yk0tM3c0dUx6R1B1b1JXc3ZvQ2VmS2NnR0pBYVdQMk4=",
    }
    del env[missing]

    result = run_settings(env)

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = run_settings({"DJANGO_DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr
