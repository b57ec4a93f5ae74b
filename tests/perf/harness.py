"""What every perf script shares: a database, signed-in people on locust, figures.

Import it first: locust patches the standard library for gevent. Everything
runs on 127.0.0.1 and is stopped on exit, on errors and on Ctrl+C
(processes.py's `cleanup()` runs from `atexit`).

- `Run` makes a scratch directory and the production environment for one
  database (SQLite by default, or a fresh PostgreSQL database), migrates it,
  collects the static files, loads the journey and seeds people, each with
  the addresses they read and write (tests/perf/db.py).
- `swarm()` runs locust users against a server, headless, for a while.
- `sign_in()` and `Box` are what a person's locust client does on Nearer:
  sign in through the form, and save as they type, keeping the id and
  version each answer gives back, and which saves were acknowledged.
- `table()` and `report()` print figures and the pass/fail summary.
"""

import locust  # noqa: F401, I001 (first: it patches the standard library for gevent)

import atexit
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from http.cookiejar import DefaultCookiePolicy

import gevent
from locust import FastHttpUser, constant
from locust.contrib.fasthttp import FastHttpSession, FastResponse
from locust.env import Environment

# The scripts reach these as harness.ROOT, harness.Server and harness.spawn.
from processes import ROOT as ROOT
from processes import Server as Server
from processes import production_env, python, scratch_dir
from processes import spawn as spawn

PASSWORD = "a quiet walk by the sea, slowly"
POSTGRES = "postgres://postgres@127.0.0.1:5432"

# Ctrl+C stops a run even when started from a shell that ignores SIGINT.
signal.signal(signal.SIGINT, signal.default_int_handler)


# --- Databases and the production environment -------------------------------


def fresh_postgres_database(name: str) -> str:
    """Drops and creates `name` (always nearer_perf...); returns its URL."""
    import psycopg

    if not name.startswith("nearer_perf"):
        raise ValueError("perf scripts only ever touch databases named nearer_perf*")
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def drop_postgres_database(name: str) -> None:
    import psycopg

    if not name.startswith("nearer_perf") or os.environ.get("NEARER_PERF_KEEP"):
        return
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_is_up() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


class Run:
    """One database, the production environment to reach it, and a scratch directory."""

    def __init__(self, database: str = "sqlite", name: str = "nearer_perf") -> None:
        self.dir = scratch_dir()
        self.database = database
        if database == "sqlite":
            self.sqlite_path = self.dir / "db.sqlite3"
            url = f"sqlite:///{self.sqlite_path}"
        elif database == "postgres":
            if not postgres_is_up():
                raise SystemExit("PostgreSQL is not answering on 127.0.0.1:5432.")
            self.sqlite_path = None
            url = fresh_postgres_database(name)
            atexit.register(drop_postgres_database, name)
        else:
            raise ValueError(database)
        self.env = production_env(url)

    def manage(self, *args: str) -> None:
        python("manage.py", *args, env=self.env, what=f"manage.py {' '.join(args)}")

    def in_django(self, *args: str) -> dict:
        """Runs tests/perf/db.py in a child with this run's settings; returns its JSON."""
        what = f"tests/perf/db.py {' '.join(args)}"
        return json.loads(python("-m", "tests.perf.db", *args, env=self.env, what=what))

    def prepare(self) -> None:
        """Migrates, collects static files and loads the journey."""
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input")
        self.manage("load_journeys")

    def seed(
        self, people: int, reflections: int, prefix: str, check_ins: int = 0, partners: bool = False
    ) -> list[dict]:
        """People sharing PASSWORD; with reflections, each with their addresses
        (db.addresses); with `partners`, linked in pairs sharing every reflection."""
        seeded = self.in_django(
            "seed",
            *("--people", str(people), "--reflections", str(reflections)),
            *("--prefix", prefix, "--check-ins", str(check_ins)),
            *(["--partners"] if partners else []),
        )
        return seeded["people"] or [{"username": name} for name in seeded["usernames"]]

    def server(self, port: int, env: dict[str, str] | None = None, **kw) -> Server:
        """gunicorn for this run on `port`; `env` adds to the run's environment."""
        return Server(
            {**self.env, **(env or {})}, port, log=self.dir / f"gunicorn-{port}.log", **kw
        )

    def stored_reflections(self, prefix: str) -> dict[str, str]:
        """Every stored reflection's text by id, of the people whose name starts with prefix."""
        found = self.in_django("reflections", "--prefix", prefix)["reflections"]
        return {str(note["id"]): note["text"] for notes in found.values() for note in notes}

    def sqlite_integrity(self) -> str:
        import sqlite3

        with sqlite3.connect(self.sqlite_path) as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]


def ports(first: int, count: int = 1) -> list[int]:
    """`count` free ports from `first` upwards, in the 18000-18999 range."""
    import socket

    found = []
    port = first
    while len(found) < count and port < 19000:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                found.append(port)
        port += 1
    if len(found) < count:
        raise SystemExit(f"no free port from {first} to 18999")
    return found


# --- A person on Nearer, through locust's client ---------------------------------


class SecureCookiesOnLoopback(DefaultCookiePolicy):
    """Sends the Secure cookies back over plain HTTP: in production a proxy
    speaks HTTPS to the browser; here the loopback is plain HTTP."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


def on_loopback(client: FastHttpSession) -> FastHttpSession:
    client.cookiejar.set_policy(SecureCookiesOnLoopback())
    return client


def counting() -> Environment:
    """A locust environment whose `stats` count the requests of sessions made with it."""
    environment = Environment()
    environment.create_local_runner()
    return environment


def session(url: str, environment: Environment | None = None) -> FastHttpSession:
    """One person's client outside a swarm: keep-alive, cookies; its requests
    count in `environment`'s stats when one is given (see counting())."""
    events = (environment or Environment()).events
    return on_loopback(FastHttpSession(url, request_event=events.request, user=None))


def csrf_token(client: FastHttpSession) -> str:
    """The CSRF cookie's value (named __Host-csrftoken in production)."""
    return next((c.value for c in client.cookiejar if c.name.endswith("csrftoken")), "")


def post(client: FastHttpSession, path: str, data: dict, **kw) -> FastResponse:
    """A POST as the site's forms and htmx send it, with the CSRF token."""
    headers = {"X-CSRFToken": csrf_token(client), **kw.pop("headers", {})}
    return client.post(path, data=data, headers=headers, **kw)


def press_sign_in(client: FastHttpSession, username: str, password: str = PASSWORD, **kw) -> int:
    """The sign-in form's button, on the sign-in page already open; the POST's status."""
    data = {"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(client)}
    return post(client, "/accounts/login/", data, allow_redirects=False, **kw).status_code


def sign_in(client: FastHttpSession, username: str, password: str = PASSWORD, **kw) -> int:
    """Signs in through the real form; the POST's status (302 when it worked)."""
    client.get("/accounts/login/", name="sign-in page")
    return press_sign_in(client, username, password, **kw)


HIDDEN = re.compile(r'<input type="hidden" name="p\d+-(reflection|version)"(?: value="(\d*)")?')
# A box's fields carry its prompt's id (journeys.forms.ReflectionForm).
PROMPT_IN_SAVE_URL = re.compile(r"/prompts/(\d+)/save/")


class Box:
    """The box under one prompt, saving as the person types (as htmx does).

    It sends the text with the reflection's id and version and keeps the id
    and version the answer gives back, so the next save updates the same
    reflection. `acked` holds, per reflection id, the last text an answer
    confirmed; `pending` the texts sent since without one.
    """

    def __init__(self, save_url: str, reflection: int | str = "", version: int | str = "") -> None:
        self.url, self.reflection, self.version = save_url, str(reflection), str(version)
        self.prefix = f"p{PROMPT_IN_SAVE_URL.search(save_url)[1]}-"
        self.acked: dict[str, str] = {}
        self.pending: dict[str, list[str]] = defaultdict(list)
        self.saves = 0

    def save(self, client: FastHttpSession, text: str, **kw) -> FastResponse:
        sent_to = self.reflection
        self.pending[sent_to].append(text)
        fields = {"text": text, "reflection": self.reflection, "version": self.version}
        data = {self.prefix + name: value for name, value in fields.items()}
        response = post(client, self.url, data, headers={"HX-Request": "true"}, **kw)
        if response.status_code in (200, 409):
            ids = dict(HIDDEN.findall(response.text or ""))
            self.reflection, self.version = ids.get("reflection", ""), ids.get("version", "")
            if self.reflection:
                # A 409 saved the text as a new reflection: the answer names it.
                self.pending[sent_to].remove(text)
                self.acked[self.reflection] = text
                self.pending[self.reflection].clear()
                self.saves += 1
        return response

    def lost(self, stored: dict[str, str]) -> list[str]:
        """Reflection ids whose stored text is neither the last acknowledged
        one nor a later one sent without an answer (it may have been saved)."""
        return [
            pk
            for pk, text in self.acked.items()
            if stored.get(pk) != text and stored.get(pk) not in self.pending.get(pk, [])
        ]


def typed(person: int, n: int) -> str:
    """The n-th state of a person's text as they type: longer each time, never repeated."""
    words = "we sat by the window and talked about the months in hospital and what comes next"
    sentence = " ".join(words.split()[: 3 + n % 15])
    return f"Person {person}, draft {n}: {sentence}."


# --- Many people at once ------------------------------------------------------------


class Person(FastHttpUser):
    """A seeded person on locust: signs in through the form as it starts.

    `seeded` is what Run.seed() returned, one entry a user in turn; a
    subclass's `arrived()` sets up what it needs and its tasks follow.
    """

    abstract = True
    wait_time = constant(0)
    seeded: list[dict] = []
    _numbers: itertools.count

    def on_start(self) -> None:
        self.number = next(self._numbers)
        self.me = self.seeded[self.number]
        on_loopback(self.client)
        if sign_in(self.client, self.me["username"], name="sign in") != 302:
            raise SystemExit(f"{self.me['username']} could not sign in")
        self.arrived()
        self.environment.arrived += 1

    def arrived(self) -> None:
        pass


class Swarm:
    """`users` of a Person subclass against `url`, headless, until stopped.

    Inside `with`, every user has signed in; the users' requests are in
    `stats` (locust's RequestStats).
    """

    def __init__(self, user_class: type[Person], url: str, users: int) -> None:
        user_class._numbers = itertools.count()
        self.env = Environment(user_classes=[user_class], host=url)
        self.env.arrived = 0
        self.runner = self.env.create_local_runner()
        self.users = users

    @property
    def stats(self):
        return self.env.stats

    def __enter__(self) -> "Swarm":
        self.runner.start(self.users, spawn_rate=self.users)
        deadline = time.monotonic() + 120
        while self.env.arrived < self.users:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {self.env.arrived} of {self.users} people signed in")
            gevent.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.runner.quit()

    def entry(self, name: str, method: str = "GET"):
        return self.stats.get(name, method)


def swarm_for(user_class: type[Person], url: str, users: int, seconds: float) -> Swarm:
    """Runs `users` for `seconds` from when all have started; the stopped swarm."""
    with Swarm(user_class, url, users) as swarm:
        swarm.stats.reset_all()
        gevent.sleep(seconds)
    return swarm


def all_at_once(items: Iterable, act: Callable, limit: int | None = None) -> list:
    """act(item) for every item concurrently (at most `limit` at a time); the results."""
    from gevent.pool import Pool

    return Pool(limit).map(act, list(items))


# --- Figures ---------------------------------------------------------------------


def table(rows: list[list], headers: list[str]) -> str:
    """A plain, aligned text table: first column left, the rest right."""
    cells = [[str(h) for h in headers], *[[_cell(c) for c in row] for row in rows]]
    cells = [row + [""] * (len(headers) - len(row)) for row in cells]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])


def _cell(value) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(checks: list[tuple[str, bool]]) -> None:
    """Prints each check as ok or MISSED and exits, non-zero when one was missed."""
    print()
    for text, ok in checks:
        print(f"{verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


def banner(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run_script(main: Callable[[], None]) -> None:
    """Runs a script's main(); Ctrl+C stops it with a word instead of a traceback."""
    try:
        main()
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        raise SystemExit(130) from None


def elapsed_since(started: float) -> float:
    return max(time.monotonic() - started, 1e-9)
