"""The sign-in lockout keys on the address our own proxies saw, never on one the client wrote."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from guide.lockout import client_address
from tests.conftest import PASSWORD

NGINX_CONF = Path(__file__).resolve().parents[1] / "perf" / "nginx.conf"


def request_from(remote_addr: str = "127.0.0.1", forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/accounts/login/", **headers)


def test_without_a_proxy_it_is_the_connections_address_whatever_the_header_says(settings):
    settings.NEARER_PROXY_COUNT = 0

    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_one_proxy_it_is_the_address_the_proxy_appended(settings):
    settings.NEARER_PROXY_COUNT = 1

    assert client_address(request_from(forwarded_for="198.51.100.7")) == "198.51.100.7"
    made_up = request_from(forwarded_for="203.0.113.1, 203.0.113.2, 198.51.100.7")
    assert client_address(made_up) == "198.51.100.7"


def test_behind_two_proxies_it_counts_two_from_the_right(settings):
    settings.NEARER_PROXY_COUNT = 2

    request = request_from(forwarded_for="203.0.113.1, 198.51.100.7, 10.0.0.2")

    assert client_address(request) == "198.51.100.7"


def test_a_made_up_header_left_of_the_proxys_entry_changes_nothing(settings):
    settings.NEARER_PROXY_COUNT = 1

    addresses = {
        client_address(request_from(forwarded_for=f"203.0.113.{n}, 198.51.100.7"))
        for n in range(20)
    }

    assert addresses == {"198.51.100.7"}


@pytest.mark.parametrize("forwarded_for", [None, "", "unknown", "garbage, ", "[::1"])
def test_an_unreadable_header_falls_back_to_the_connection_not_to_no_address(
    settings, forwarded_for
):
    settings.NEARER_PROXY_COUNT = 1

    first = client_address(request_from("198.51.100.7", forwarded_for))
    second = client_address(request_from("198.51.100.8", forwarded_for))

    assert (first, second) == ("198.51.100.7", "198.51.100.8")


def test_fewer_entries_than_proxies_falls_back_to_the_connection(settings):
    settings.NEARER_PROXY_COUNT = 2

    assert client_address(request_from("198.51.100.9", "198.51.100.7")) == "198.51.100.9"


def test_ipv6_addresses_are_read_and_written_one_way(settings):
    settings.NEARER_PROXY_COUNT = 1

    assert client_address(request_from(forwarded_for="2001:DB8::0001")) == "2001:db8::1"


def test_made_up_headers_do_not_get_around_the_lockout(client, alice, settings):
    settings.NEARER_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT + 5):
        client.post(
            reverse("login"),
            {"username": "alice", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        )

    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7",
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_persons_failures_do_not_lock_out_someone_elsewhere(client, alice, settings):
    settings.NEARER_PROXY_COUNT = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "alice", "password": "guess"},
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )

    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code == 302


# Through the real nginx configuration (tests/perf/nginx.conf)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """Debian's nginx on loopback with tests/perf/nginx.conf in front of the live server.

    Only the ports differ from the file: its three app servers are all the
    live server, and it listens on a free port.
    """
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(binary), "nginx is needed: apt-get install -y nginx (bin/test does it)"
    settings.NEARER_PROXY_COUNT = 1
    app_port = urllib.parse.urlsplit(live_server.url).port
    port = free_port()
    conf = NGINX_CONF.read_text()
    for upstream in ("18501", "18502", "18503"):
        conf = conf.replace(f"127.0.0.1:{upstream}", f"127.0.0.1:{app_port}")
    conf = conf.replace("127.0.0.1:18500", f"127.0.0.1:{port}")
    conf = conf.replace("127.0.0.1:18510", f"127.0.0.1:{free_port()}")
    (tmp_path / "nginx.conf").write_text(conf)
    # nginx's workers run as an unprivileged user and keep temporary files here.
    tmp_path.chmod(0o777)
    process = subprocess.Popen(
        [binary, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2)  # noqa: S310 (loopback http)
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not answer"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Visitor:
    """A browser's cookies and CSRF token, through nginx."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects
        )

    def sign_in(self, password: str, forwarded_for: str | None = None) -> int:
        page = self.opener.open(f"{self.url}/accounts/login/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "alice", "password": password}
        ).encode()
        request = urllib.request.Request(f"{self.url}/accounts/login/", data=body)  # noqa: S310
        if forwarded_for:
            request.add_header("X-Forwarded-For", forwarded_for)
        try:
            return self.opener.open(request).status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_through_nginx_made_up_forwarded_for_headers_still_meet_the_lockout(nginx, alice, settings):
    attacker = Visitor(nginx)
    answers = [
        attacker.sign_in("guess", forwarded_for=f"203.0.113.{n}")
        for n in range(settings.AXES_FAILURE_LIMIT + 3)
    ]

    assert 429 in answers
    assert attacker.sign_in(PASSWORD, forwarded_for="203.0.113.200") == 429


@pytest.mark.django_db(transaction=True)
def test_through_nginx_failures_without_the_header_lock_out_that_address_alone(
    nginx, alice, settings
):
    from axes.models import AccessAttempt

    attacker = Visitor(nginx)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        attacker.sign_in("guess")

    assert attacker.sign_in(PASSWORD) == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
