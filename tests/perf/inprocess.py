"""Each page's cost in one process, as a multiple of the floor's, and where it goes.

    .venv/bin/python tests/perf/inprocess.py                   # after bin/setup --dev; a minute
    .venv/bin/python tests/perf/inprocess.py --profile help    # where one page's time goes

No server and no network: Django's WSGI handler is called directly, with
the production settings, on a fresh SQLite database, for a person with five
reflections and five check-ins (as guard.py's people have). The pages are
asked for in turn, round after round, so the machine's slow moments fall on
all of them alike; it prints each page's median time and its ratio to the
floor's (the signed-in help page, as in guard.py). Beside the pages: bare,
a plain HttpResponse behind the same middleware (tests/perf/urls.py), and
/healthz. That is the server's own share of guard.py's ratios, without the
load generator's, and it moves only with the code: use it to tell whether
a change helped.

`--profile PAGE` runs that page under cProfile and prints the functions
that take most of its time, with everything they call.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from urllib.parse import urlencode

from processes import ROOT, production_env, python, scratch_dir


def prepare() -> None:
    """A fresh production database with one person, in this process's environment."""
    env = production_env(f"sqlite:///{scratch_dir() / 'db.sqlite3'}", NEARER_LOG_LEVEL="WARNING")
    for args in (["migrate"], ["collectstatic", "--no-input"], ["load_journeys"]):
        python("manage.py", *args, "--verbosity", "0", env=env, what=f"manage.py {args[0]}")
    seed = ["seed", "--people", "1", "--reflections", "5", "--check-ins", "5"]
    python("-m", "tests.perf.db", *seed, env=env, what="seeding")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))


class Person:
    """The seeded person's requests, as WSGI environs for Django's handler."""

    def __init__(self) -> None:
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client
        from django.urls import reverse

        from journeys.models import Reflection, Stage

        self.app = WSGIHandler()
        user = User.objects.get()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get("/")
        session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
        self.csrf = client.cookies[csrf].value
        self.cookie = f"{session}={client.cookies[session].value}; {csrf}={self.csrf}"
        self.reflection = (
            Reflection.objects.filter(user=user).select_related("prompt__stage__journey").first()
        )
        self.version = self.reflection.version
        prompt, written = self.reflection.prompt, self.reflection.prompt.stage
        journey = written.journey.slug
        quiet = Stage.objects.published().exclude(prompts__reflections__user=user).first()
        self.pages = {
            "help": "/help/",
            "bare": "/perf/bare/",
            "healthz": "/healthz",
            "journey": reverse("journeys:journey", args=[journey]),
            "stage": reverse("journeys:stage", args=[journey, written.slug]),
            "stage, nothing written": reverse("journeys:stage", args=[journey, quiet.slug]),
            "reflections": reverse("journeys:reflections"),
            "check-ins": reverse("journeys:check_ins", args=[journey]),
            "autosave": reverse(
                "journeys:save_reflection", args=[journey, written.slug, prompt.pk]
            ),
        }

    def ask(self, page: str) -> None:
        path, body = self.pages[page], b""
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        if page == "autosave":
            box = f"p{self.reflection.prompt_id}-"
            fields = {"text": f"Typing, {self.version}", "reflection": self.reflection.pk}
            fields |= {"version": self.version}
            body = urlencode({box + name: value for name, value in fields.items()}).encode()
            environ |= {
                "REQUEST_METHOD": "POST",
                "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "HTTP_X_CSRFTOKEN": self.csrf,
                "HTTP_HX_REQUEST": "true",
            }
        environ |= {"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        statuses = []
        response = self.app(environ, lambda status, headers, *exc: statuses.append(status))
        b"".join(response)
        response.close()
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{page} ({path}) answered {statuses[0]}")
        if page == "autosave":
            self.version += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=400, help="times round every page (400)")
    parser.add_argument("--profile", metavar="PAGE", help="profile this page instead")
    args = parser.parse_args()

    prepare()
    import django

    django.setup()
    person = Person()
    if args.profile and args.profile not in person.pages:
        raise SystemExit(f"--profile takes one of: {', '.join(person.pages)}")
    for page in person.pages:
        for _warm_up in range(20):
            person.ask(page)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [person.ask(args.profile) for _ in range(200)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return

    times: dict[str, list[float]] = {page: [] for page in person.pages}
    for _round in range(args.rounds):
        for page in person.pages:
            started = time.perf_counter()
            person.ask(page)
            times[page].append(time.perf_counter() - started)
    floor = statistics.median(times["help"])
    print(f"{args.rounds} rounds, each page once a round; median time of one request")
    print(f"{'page':24} {'ms':>7} {'÷ help':>7}")
    for page, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{page:24} {median * 1000:7.2f} {median / floor:7.2f}")


if __name__ == "__main__":
    main()
