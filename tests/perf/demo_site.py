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
import shutil
import socket
import tempfile
from pathlib import Path

from tests.perf.processes import Server, production_env, python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="nearer-demo-"))
        self.env = production_env(
            f"sqlite:///{self.dir / 'db.sqlite3'}",
            DJANGO_SETTINGS_MODULE="tests.perf.demo_settings",
            NEARER_HSTS_SECONDS="0",
            NEARER_DEMO_STATIC_ROOT=str(self.dir / "static"),
        )
        self.server = Server(self.env, free_port(), workers=2, log=self.dir / "server.log")
        self.url = self.server.url
        self.cookie: dict = {}

    def __enter__(self) -> "DemoSite":
        try:
            self.prepare()
            self.server.start(timeout=20)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def prepare(self) -> None:
        output = python("-m", "tests.perf.demo_site", env=self.env, what="Preparing the demo site")
        self.cookie = json.loads(output.strip().splitlines()[-1])

    def stop(self) -> None:
        self.server.stop(timeout=10)
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
