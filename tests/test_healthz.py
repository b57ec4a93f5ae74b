from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(client):
    with mock.patch("guide.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert b"down" not in response.content


@pytest.mark.django_db
def test_it_sets_no_cookie_and_needs_no_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
def test_it_refuses_to_change_anything(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_it_is_not_redirected_to_https_so_a_proxy_can_probe_plain_http(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/help/").status_code == 301
