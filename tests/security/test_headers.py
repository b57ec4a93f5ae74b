import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client
from django.urls import reverse

from guide.settings import origin_of
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def headers(client, db):
    return client.get(reverse("home")).headers


def csp_directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_the_content_security_policy_is_strict(headers):
    policy = csp_directives(headers["Content-Security-Policy"])

    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self' 'nonce-")
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    # And the neutral page the quick exit's form is redirected to.
    assert policy["form-action"] == f"'self' {origin_of(settings.NEARER_EXIT_URL)}"
    assert policy["base-uri"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]


def test_each_page_gets_a_fresh_nonce(client, db):
    first = client.get(reverse("home"))["Content-Security-Policy"]
    second = client.get(reverse("home"))["Content-Security-Policy"]

    assert first != second


def test_the_browser_is_told_to_share_little_and_guess_nothing(headers):
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "feature", ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]
)
def test_features_the_site_does_not_use_are_switched_off(headers, feature):
    assert f"{feature}=()" in headers["Permissions-Policy"]


def test_public_pages_may_be_cached_but_signed_in_pages_never(alice_client, db):
    assert "no-store" not in Client().get(reverse("privacy")).get("Cache-Control", "")
    assert "no-store" in alice_client.get(reverse("privacy"))["Cache-Control"]


def test_session_and_csrf_cookies_are_http_only(client, alice):
    assert client.get(reverse("login")).cookies["csrftoken"]["httponly"]

    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def production_env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEARER_"))}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "guide.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "nearer.example",
        "NEARER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def test_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_secure_cookies_and_redirects_to_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["True"] * 5


def test_production_cookies_carry_the_host_prefix():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_PATH, "
        "s.CSRF_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "/",
        "/",
        "None",
        "None",
    ]
