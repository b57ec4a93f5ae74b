"""What every perf script shares: servers, databases, people, requests, figures.

Import it first: it patches the standard library for gevent, so thousands of
requests can wait at once in one process. Everything here runs on 127.0.0.1
and is stopped on exit, on errors and on Ctrl+C (processes.py's `cleanup()`
runs from `atexit`, and SIGTERM is turned into a normal exit).

- `Run` makes a scratch directory and the production environment for one
  database (SQLite by default, or a fresh PostgreSQL database), migrates it,
  collects the static files, loads the journey and seeds people.
- `Server` (from processes.py) starts gunicorn with `guide/gunicorn.conf.py`
  in its own process group, so `stop()` and `kill9()` reach the master and
  every worker.
- `Browser` is one person: a keep-alive connection, cookies and the CSRF
  token, signing in, finding links and forms in pages, autosaving.
- `Writers` is many people autosaving reflections of their own at once, and
  which acknowledged saves the database lost.
- `Recorder` keeps every request's latency; `table()` prints figures.
"""

from gevent import monkey

monkey.patch_all()

import atexit  # noqa: E402
import html  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from urllib.parse import urlencode, urljoin, urlsplit  # noqa: E402

import gevent  # noqa: E402
from geventhttpclient import HTTPClient  # noqa: E402
from geventhttpclient.response import HTTPParseError  # noqa: E402

# The scripts reach these as harness.ROOT, harness.Server and harness.spawn.
from processes import ROOT as ROOT  # noqa: E402
from processes import Server as Server  # noqa: E402
from processes import production_env, python, scratch_dir  # noqa: E402
from processes import spawn as spawn  # noqa: E402

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
        self.pg_name = None
        if database == "sqlite":
            self.sqlite_path = self.dir / "db.sqlite3"
            url = f"sqlite:///{self.sqlite_path}"
        elif database == "postgres":
            if not postgres_is_up():
                raise SystemExit("PostgreSQL is not answering on 127.0.0.1:5432.")
            self.sqlite_path = None
            self.pg_name = name
            url = fresh_postgres_database(name)
            atexit.register(drop_postgres_database, name)
        else:
            raise ValueError(database)
        self.env = production_env(url)

    def manage(self, *args: str, capture: bool = False) -> str:
        output = python("manage.py", *args, env=self.env, what=f"manage.py {' '.join(args)}")
        return output if capture else ""

    def in_django(self, *args: str) -> dict:
        """Runs tests/perf/db.py in a child with this run's settings; returns its JSON."""
        what = f"tests/perf/db.py {' '.join(args)}"
        return json.loads(python("-m", "tests.perf.db", *args, env=self.env, what=what))

    def prepare(
        self, people: int = 0, reflections: int = 0, prefix: str = "reader", check_ins: int = 0
    ) -> list[str]:
        """Migrates, collects static files, loads the journey, seeds people; their usernames."""
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input")
        self.manage("load_journeys")
        return self.seed(people, reflections, prefix, check_ins) if people else []

    def seed(self, people: int, reflections: int, prefix: str, check_ins: int = 0) -> list[str]:
        seeded = self.in_django(
            "seed",
            "--people",
            str(people),
            "--reflections",
            str(reflections),
            "--prefix",
            prefix,
            "--check-ins",
            str(check_ins),
        )
        return seeded["usernames"]

    def server(self, port: int, env: dict[str, str] | None = None, **kw) -> "Server":
        """gunicorn for this run on `port`; `env` adds to the run's environment."""
        return Server(
            {**self.env, **(env or {})}, port, log=self.dir / f"gunicorn-{port}.log", **kw
        )

    def sqlite_integrity(self) -> str:
        import sqlite3

        with sqlite3.connect(self.sqlite_path) as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]


# --- Figures ---------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile, interpolated between the two nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Sample:
    at: float
    seconds: float
    status: int


@dataclass
class Stats:
    name: str
    count: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


def summary(name: str, samples: list[Sample], seconds: float) -> Stats:
    """Requests a second, errors and latency percentiles (ms) of `samples`,
    taken over `seconds`."""
    ok = [s.seconds * 1000 for s in samples if s.status > 0]
    return Stats(
        name=name,
        count=len(samples),
        errors=sum(1 for s in samples if s.status <= 0),
        per_second=len(samples) / seconds,
        p50=percentile(ok, 50),
        p95=percentile(ok, 95),
        p99=percentile(ok, 99),
    )


class Recorder:
    """Every request's latency and status, by name, with what counts as an error."""

    def __init__(self) -> None:
        self.samples: dict[str, list[Sample]] = defaultdict(list)
        self.problems: dict[str, list[str]] = defaultdict(list)
        self.started = time.monotonic()

    def add(self, name: str, seconds: float, status: int, ok: bool, problem: str = "") -> None:
        self.samples[name].append(Sample(time.monotonic(), seconds, status if ok else -status))
        if not ok and len(self.problems[name]) < 5:
            self.problems[name].append(problem or f"HTTP {status}")

    def restart_clock(self) -> None:
        self.samples.clear()
        self.problems.clear()
        self.started = time.monotonic()

    def stats(self, name: str, seconds: float | None = None) -> Stats:
        elapsed = seconds or max(time.monotonic() - self.started, 1e-9)
        return summary(name, self.samples.get(name, []), elapsed)

    def count(self, name: str, status_from: int, status_to: int) -> int:
        return sum(
            1 for s in self.samples.get(name, []) if status_from <= abs(s.status) <= status_to
        )


def table(rows: list[list], headers: list[str]) -> str:
    """A plain, aligned text table: first column left, the rest right."""
    cells = [[str(h) for h in headers], *[[_cell(c) for c in row] for row in rows]]
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


# --- One person's browser ------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, list[str]]
    seconds: float
    error: str = ""

    def header(self, name: str) -> str:
        values = self.headers.get(name.lower())
        return values[-1] if values else ""


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)
    textareas: list[str] = field(default_factory=list)
    radios: dict[str, list[str]] = field(default_factory=dict)

    @property
    def post_to(self) -> str:
        return self.attrs.get("hx-post") or self.action


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.inputs: dict[str, str] = {}
        self.links: list[str] = []
        self.assets: list[tuple[str, str]] = []
        self._form: Form | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attr_list) -> None:
        attrs = {k: v or "" for k, v in attr_list}
        if tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower(), attrs)
            self.forms.append(self._form)
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "icon"):
            self.assets.append((attrs["rel"], attrs["href"]))
        elif tag in ("script", "img") and attrs.get("src"):
            self.assets.append((tag, attrs["src"]))
        if tag == "input" and "name" in attrs:
            self.inputs[attrs["name"]] = attrs.get("value", "")
        if self._form is None or "name" not in attrs:
            return
        name = attrs["name"]
        if tag == "input" and attrs.get("type") == "radio":
            self._form.radios.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox"):
            self._form.fields[name] = attrs.get("value", "")
        elif tag == "textarea":
            self._form.textareas.append(name)
            self._form.fields[name] = ""
            self._textarea = name

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
            if self._form is not None:
                for name in self._form.textareas:
                    self._form.fields[name] = self._form.fields[name].removeprefix("\n")
        elif tag == "form":
            self._form = None


def parse_page(body: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(body)
    return parser


class Browser:
    """One person: a keep-alive connection, their cookies and CSRF token.

    Cookies marked Secure are sent anyway: in production a proxy speaks
    HTTPS to the browser; here the loopback is plain HTTP.
    """

    def __init__(self, base_url: str, recorder: Recorder | None = None, timeout: float = 30):
        self.base_url = base_url
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.recorder = recorder
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""
        self._http: HTTPClient | None = None

    def _connection(self) -> HTTPClient:
        if self._http is None:
            self._http = HTTPClient(
                self.host,
                self.port,
                connection_timeout=self.timeout,
                network_timeout=self.timeout,
                concurrency=1,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict | None = None,
        headers: dict | None = None,
        name: str | None = None,
        expect: Iterable[int] = (200,),
        read_body: bool = True,
    ) -> Response:
        head = {
            "Host": f"{self.host}:{self.port}",
            "Accept-Encoding": "identity",
            **(headers or {}),
        }
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = b""
        if method == "POST":
            body = urlencode(data or {}).encode()
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["Origin"] = self.base_url
            head.setdefault("X-CSRFToken", self.csrf_token or self.cookies.get("csrftoken", ""))
        started = time.perf_counter()
        try:
            raw = self._connection().request(method, path, body=body, headers=head)
            content = raw.read() if read_body else b""
            raw.release()
            seconds = time.perf_counter() - started
            headers_out: dict[str, list[str]] = defaultdict(list)
            for key, value in raw.headers:
                headers_out[key.lower()].append(value)
            response = Response(
                raw.status_code, content.decode("utf-8", "replace"), headers_out, seconds
            )
        except (OSError, gevent.Timeout, HTTPParseError) as error:
            self.close()
            response = Response(
                0, "", {}, time.perf_counter() - started, f"{type(error).__name__}: {error}"
            )
        self._remember_cookies(response.headers.get("set-cookie", []))
        if response.status == 200 and "text/html" in response.header("content-type"):
            token = _csrf_token_in(response.body)
            if token:
                self.csrf_token = token
        if self.recorder is not None and name:
            ok = response.status in tuple(expect)
            self.recorder.add(name, response.seconds, response.status, ok, response.error)
        return response

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Response:
        return self.request("POST", path, data=data, **kw)

    def _remember_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def sign_in(self, username: str, password: str = PASSWORD, name: str | None = None) -> Response:
        """Signs in through the real form; the response is the POST's (302 when it worked).

        The sign-in page is fetched first unless a CSRF token is already held.
        """
        if not self.csrf_token:
            page = self.get("/accounts/login/")
            if page.status != 200:
                return page
        return self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token},
            name=name,
            expect=(302,),
        )


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_HEADER = re.compile(
    r"&quot;X-CSRFToken&quot;: &quot;([^&]+)&quot;|\"X-CSRFToken\": \"([^\"]+)\""
)


def _csrf_token_in(body: str) -> str:
    found = _CSRF_INPUT.search(body) or _CSRF_HEADER.search(body)
    if not found:
        return ""
    return next(group for group in found.groups() if group)


def local_links(base: str, body: str, prefix: str) -> list[str]:
    """Paths under `prefix` linked from a page, in order, without repeats."""
    seen: dict[str, None] = {}
    for href in parse_page(body).links:
        path = urlsplit(urljoin(base, html.unescape(href))).path
        if path.startswith(prefix) and path != prefix:
            seen.setdefault(path, None)
    return list(seen)


# --- Nearer's pages, as a person finds them ------------------------------------


@dataclass
class Walk:
    """Where one signed-in person can go, found by following the site's own links."""

    journey: str
    stages: list[str]
    check_ins: str

    @classmethod
    def find(cls, browser: Browser) -> "Walk":
        home = browser.get("/")
        journeys = [p for p in local_links(browser.base_url, home.body, "/journeys/")]
        journey = next((p for p in journeys if p.count("/") == 3), None)
        if journey is None:
            raise SystemExit("The signed-in home page links to no journey; was it loaded?")
        page = browser.get(journey)
        inside = local_links(browser.base_url, page.body, journey)
        check_ins = journey + "check-ins/"
        stages = [p for p in inside if p.count("/") == 4 and p != check_ins]
        if not stages:
            raise SystemExit(f"{journey} links to no stage.")
        return cls(journey, stages, check_ins)


class Autosave:
    """The box under one prompt, saving as the person types (as htmx does).

    It sends what the form holds (the text, the reflection's id and version)
    and keeps the id and version the answer swaps back in, so the next save
    updates the same reflection. `acked` holds, per reflection id, the last
    text an answer confirmed; `pending` the texts sent since without one.
    """

    def __init__(self, browser: Browser, stage: str, which: int = 0) -> None:
        page = browser.get(stage)
        forms = [f for f in parse_page(page.body).forms if "data-autosave" in f.attrs]
        if not forms:
            raise SystemExit(f"{stage} has no autosaving form (status {page.status}).")
        form = forms[which % len(forms)]
        self.browser, self.url = browser, form.post_to
        self.reflection, self.version = (
            form.fields.get("reflection", ""),
            form.fields.get("version", ""),
        )
        self.acked: dict[str, str] = {}
        self.pending: dict[str, list[str]] = defaultdict(list)
        self.saves = 0

    def save(self, text: str, name: str = "autosave", expect=(200, 409)) -> Response:
        sent_to = self.reflection
        data = {
            "csrfmiddlewaretoken": self.browser.csrf_token,
            "text": text,
            "reflection": self.reflection,
            "version": self.version,
        }
        self.pending[sent_to].append(text)
        response = self.browser.post(
            self.url, data, headers={"HX-Request": "true"}, name=name, expect=expect
        )
        if response.status in (200, 409):
            ids = parse_page(response.body).inputs
            self.reflection, self.version = ids.get("reflection", ""), ids.get("version", "")
            if not self.reflection:
                return response
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


def stored_reflections(run: "Run", prefix: str) -> dict[str, str]:
    """Every stored reflection's text by id, for the people whose name starts with prefix."""
    found = run.in_django("reflections", "--prefix", prefix)["reflections"]
    return {str(note["id"]): note["text"] for notes in found.values() for note in notes}


# --- Running many people at once ------------------------------------------------


def for_a_while(seconds: float, people: Iterable, act: Callable, pace: float = 0.0) -> None:
    """Each person acts again and again for `seconds`; then everyone stops.

    `act(person)` is one step; `pace` is the least time between two steps
    of one person (their thinking or typing time). With a pace, people
    start at random moments within the first step, not all at once.
    """
    deadline = time.monotonic() + seconds

    def loop(person) -> None:
        if pace:
            gevent.sleep(random.uniform(0, pace))
        while time.monotonic() < deadline:
            started = time.monotonic()
            act(person)
            rest = pace - (time.monotonic() - started)
            if rest > 0:
                gevent.sleep(min(rest, max(deadline - time.monotonic(), 0)))

    greenlets = [gevent.spawn(loop, person) for person in people]
    gevent.joinall(greenlets, timeout=seconds + 60)
    gevent.killall(greenlets, block=True, timeout=5)


def all_at_once(items: Iterable, act: Callable, limit: int | None = None) -> list:
    """act(item) for every item concurrently (at most `limit` at a time); the results."""
    from gevent.pool import Pool

    pool = Pool(limit)
    return pool.map(act, list(items))


def signed_in_browsers(
    url: str, usernames: list[str], recorder: Recorder | None = None, limit: int = 8
) -> list[Browser]:
    """A signed-in Browser per username (a few sign-ins at a time, as people arrive)."""

    def arrive(username: str) -> Browser:
        browser = Browser(url, recorder)
        response = browser.sign_in(username)
        if response.status != 302:
            raise SystemExit(f"{username} could not sign in: {response.status} {response.error}")
        return browser

    return all_at_once(usernames, arrive, limit)


class Writer:
    """One person autosaving a reflection of their own, each draft longer than the last."""

    def __init__(self, number: int, browser: Browser, stage: str) -> None:
        self.number = number
        self.box = Autosave(browser, stage, which=number)
        self.drafts = itertools.count(1)

    def type_and_save(self, expect: Iterable[int] = (200,)) -> Response:
        return self.box.save(typed(self.number, next(self.drafts)), expect=expect)


class Writers:
    """`count` people, signed in to a fresh production server, each with a Writer.

    Inside `with`, the server runs and `recorder` keeps every save (its clock
    starts once everyone is ready); on the way out the server stops, and
    `lost()` can compare the database with what was acknowledged.
    """

    def __init__(self, database: str, count: int, port: int, name: str) -> None:
        self.run = Run(database, name=name)
        self.server = self.run.server(port)
        self.count = count
        self.recorder = Recorder()
        self.people: list[Writer] = []

    def __enter__(self) -> "Writers":
        usernames = self.run.prepare(people=self.count, prefix="writer")
        self.server.start()
        try:
            browsers = signed_in_browsers(self.server.url, usernames)
            stages = Walk.find(browsers[0]).stages
            self.people = all_at_once(
                enumerate(browsers, 1),
                lambda nb: Writer(nb[0], nb[1], stages[nb[0] % len(stages)]),
                limit=8,
            )
        except BaseException:
            self.server.stop()
            raise
        for writer in self.people:
            writer.box.browser.recorder = self.recorder
        self.recorder.restart_clock()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    @property
    def acknowledged(self) -> int:
        return sum(writer.box.saves for writer in self.people)

    def lost(self) -> list[str]:
        """Reflection ids whose stored text lost an acknowledged save (see Autosave.lost)."""
        stored = stored_reflections(self.run, "writer")
        return [pk for writer in self.people for pk in writer.box.lost(stored)]


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


def run_script(main: Callable[[], None]) -> None:
    """Runs a script's main(); Ctrl+C stops it with a word instead of a traceback."""
    try:
        main()
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        raise SystemExit(130) from None


def banner(text: str) -> None:
    print(f"\n== {text}", flush=True)
