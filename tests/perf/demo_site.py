"""A throwaway Nearer with one demo person, served by gunicorn in production mode.

Used by tests/perf/screenshots.py and tests/perf/lighthouse.py. Everything
lives in a scratch folder that is removed on exit: a fresh SQLite database
(migrated, the journey loaded, tests/browser/demo.py's person seeded), the
collected static files, and fresh keys. The server runs with
DJANGO_DEBUG=false on 127.0.0.1 over plain HTTP, as behind a proxy.

`python -m tests.perf.demo_site` (with the scratch environment) is the
seeding step; it prints the demo person's session cookie as JSON.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


# A run stopped with SIGTERM (a timeout, a CI job ending) still stops its
# server and removes its scratch folder on the way out.
signal.signal(signal.SIGTERM, _exit_on_sigterm)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    def __init__(self) -> None:
        from cryptography.fernet import Fernet

        self.dir = Path(tempfile.mkdtemp(prefix="nearer-demo-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEARER_"))}
        self.env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "tests.perf.demo_settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "NEARER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "NEARER_SSL_REDIRECT": "false",
            "NEARER_HSTS_SECONDS": "0",
            "NEARER_DEMO_STATIC_ROOT": str(self.dir / "static"),
            "NEARER_GUNICORN_LOG_LEVEL": "warning",
            "DATABASE_URL": f"sqlite:///{self.dir / 'db.sqlite3'}",
            "PYTHONPATH": str(ROOT),
        }
        self.server: subprocess.Popen | None = None
        self.cookie: dict = {}

    def __enter__(self) -> "DemoSite":
        try:
            self.prepare()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def prepare(self) -> None:
        result = subprocess.run(
            [PYTHON, "-m", "tests.perf.demo_site"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"Preparing the demo site failed:\n{result.stderr[-3000:]}")
        self.cookie = json.loads(result.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "-c",
                "guide/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
                "guide.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "server.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                # Our own server, over plain HTTP on loopback.
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)  # noqa: S310  # nosec B310
                return
            except OSError:
                if self.server.poll() is not None:
                    break
                time.sleep(0.2)
        log = (self.dir / "server.log").read_text()[-3000:]
        raise SystemExit(f"gunicorn did not start on {self.url}:\n{log}")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def browser_cookie(self) -> dict:
        """The demo person's session, for Playwright's context.add_cookies()."""
        return {"name": self.cookie["name"], "value": self.cookie["value"], "url": self.url}


def _seed() -> None:
    import io

    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", "--no-input", stdout=quiet)
    call_command("collectstatic", "--no-input", stdout=quiet)
    call_command("load_journeys", stdout=quiet)

    from journeys.models import Journey
    from tests.browser.demo import JOURNEY_SLUG, seed_demo_person, session_cookie

    person = seed_demo_person(Journey.objects.get(slug=JOURNEY_SLUG))
    cookie = session_cookie(person, "")
    print(json.dumps({"name": cookie["name"], "value": cookie["value"]}))


if __name__ == "__main__":
    _seed()
