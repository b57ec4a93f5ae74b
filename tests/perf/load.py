"""Nearer's pages under load, each against bare Django in the same run.

    .venv/bin/python tests/perf/load.py              # after bin/setup --dev; about 3 minutes
    .venv/bin/python tests/perf/load.py --phase 5 --rounds 2 --mix 20 --users 20

Starts gunicorn with the production settings (guide/gunicorn.conf.py: two
sync workers per core) on a fresh SQLite database on 127.0.0.1, seeds
`--users` people with a few reflections each and signs them in through the
form. The baseline is `/perf/bare/`: a plain HttpResponse on the same server,
settings and middleware (tests/perf/urls.py), with the same signed-in
cookies. Two parts:

1. Same concurrency: for each page, `--users` people ask for it again and
   again, with no pause, for `--phase` seconds, between two bare phases.
   That goes round every page `--rounds` times, so that a page and its
   baseline meet the machine's good and bad moments alike: shared cores
   can be 20% slower from one phase to the next. A page's phases are
   pooled, and so are the bare phases on either side of them: p95 ratio
   (target: at most 3, autosave at most 2) and throughput ratio (target:
   at least 1/3). This is what the targets are judged on.
2. People: for `--mix` seconds the same people do what people do, one step
   a second: open the journey, open a stage, type (an autosave a second,
   five times), open My reflections, open check-ins, check in. After each
   step they also ask for the bare view, so it is measured in the same
   traffic.

It prints requests/s, p50/p95/p99 latency (ms), errors and the ratios, then
each gunicorn worker's memory after the run (target: under 120 MB).
"""

import harness  # noqa: I001 (first: it patches the standard library for gevent)

import argparse
import itertools
import random
import time
from dataclasses import dataclass, field

import gevent

READINGS = ["journey", "stage", "reflections", "check-ins page"]
WRITES = ["autosave", "check in"]


class Person:
    def __init__(self, number: int, browser: harness.Browser, walk: harness.Walk) -> None:
        self.number, self.browser, self.walk = number, browser, walk
        self.stage = walk.stages[number % len(walk.stages)]
        self.box = harness.Autosave(browser, self.stage, which=number)
        self.drafts = itertools.count(1)
        self.steps = itertools.cycle(
            ["journey", "stage", *["autosave"] * 5, "reflections", "check-ins page", "check in"]
        )

    def do(self, what: str) -> None:
        b = self.browser
        if what == "journey":
            b.get(self.walk.journey, name=what)
        elif what == "stage":
            b.get(random.choice(self.walk.stages), name=what)
        elif what == "reflections":
            b.get("/reflections/", name=what)
        elif what == "check-ins page":
            b.get(self.walk.check_ins, name=what)
        elif what == "autosave":
            self.box.save(harness.typed(self.number, next(self.drafts)), name=what, expect=(200,))
        elif what == "check in":
            data = {
                "csrfmiddlewaretoken": b.csrf_token,
                "readiness": str(1 + self.number % 5),
                "note": "A calm day; we walked to the shop together.",
            }
            b.post(self.walk.check_ins, data, headers={"HX-Request": "true"}, name=what)
        elif what == "bare":
            b.get("/perf/bare/", name=what)

    def next_step(self) -> None:
        self.do(next(self.steps))
        self.do("bare")


@dataclass
class Phase:
    """The requests of one phase, and how long it lasted."""

    samples: list[harness.Sample]
    seconds: float


@dataclass
class Measured:
    """A page's phases, each with the bare phases just before and after it."""

    page: list[Phase] = field(default_factory=list)
    bare: list[Phase] = field(default_factory=list)


def pooled(name: str, phases: list[Phase]) -> harness.Stats:
    samples = [sample for phase in phases for sample in phase.samples]
    return harness.summary(name, samples, sum(phase.seconds for phase in phases))


def same_concurrency(
    people: list[Person], seconds: float, pages: list[str], rounds: int
) -> tuple[list[Phase], dict[str, Measured]]:
    """Each page alone at full speed, `rounds` times, each time between two
    bare phases: every bare phase, and each page's phases with their own."""
    recorder = harness.Recorder()
    for person in people:
        person.browser.recorder = recorder

    def phase(what: str) -> Phase:
        recorder.restart_clock()
        started = time.monotonic()
        harness.for_a_while(seconds, people, lambda p: p.do(what))
        return Phase(list(recorder.samples[what]), time.monotonic() - started)

    # Warm up: every worker imports its templates and opens its connection.
    harness.for_a_while(min(seconds, 3), people, lambda p: p.do("stage"))
    bare = [phase("bare")]
    measured = {what: Measured() for what in pages}
    for _round in range(rounds):
        for what in pages:
            measured[what].page.append(phase(what))
            bare.append(phase("bare"))
            measured[what].bare += bare[-2:]
    return bare, measured


def print_same_concurrency(
    bare: list[Phase], measured: dict[str, Measured], users: int, seconds: float, rounds: int
) -> list[tuple[str, bool]]:
    harness.banner(
        f"Same concurrency: {users} people, no pause, {seconds:g} s a page, {rounds} rounds"
    )
    rates = sorted(pooled("bare", [phase]).per_second for phase in bare)
    print(
        f"bare phases: {len(bare)}, {rates[0]:.0f} to {rates[-1]:.0f} req/s "
        f"(median {harness.percentile(rates, 50):.0f})"
    )
    rows, checks = [], []
    for what, m in measured.items():
        s, b = pooled(what, m.page), pooled("bare", m.bare)
        p95_ratio, rate_ratio = s.p95 / b.p95, s.per_second / b.per_second
        limit = 2 if what == "autosave" else 3
        ok = p95_ratio <= limit and rate_ratio >= 1 / 3 and s.errors == 0
        if what in ("journey", "stage", "reflections", "autosave"):
            checks.append(
                (f"{what}: p95 <= {limit}x bare, throughput >= 1/3 of bare, 0 errors", ok)
            )
        rows.append([f"bare around {what}", b.per_second, b.p50, b.p95, b.p99, b.errors])
        rows.append(
            [
                what,
                s.per_second,
                s.p50,
                s.p95,
                s.p99,
                s.errors,
                p95_ratio,
                rate_ratio,
                harness.verdict(ok),
            ]
        )
    headers = ["page", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
    headers += ["p95 / bare", "req/s / bare", "targets"]
    print(harness.table([row + [""] * (len(headers) - len(row)) for row in rows], headers))
    print("(each page's phases pooled, and compared with the bare phases just before")
    print(" and after each of them, pooled)")
    return checks


def people_walking(people: list[Person], seconds: float) -> None:
    recorder = harness.Recorder()
    for person in people:
        person.browser.recorder = recorder
    harness.banner(f"People: {len(people)} people, one step a second, {seconds:g} s")
    harness.for_a_while(seconds, people, Person.next_step, pace=1.0)
    elapsed = time.monotonic() - recorder.started
    bare = recorder.stats("bare", elapsed)
    rows = []
    for what in ["bare", *READINGS, *WRITES]:
        s = recorder.stats(what, elapsed)
        ratio = "" if what == "bare" else s.p95 / bare.p95
        rows.append([what, s.per_second, s.p50, s.p95, s.p99, s.errors, ratio])
    print(
        harness.table(rows, ["page", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "p95 / bare"])
    )
    for name, problems in recorder.problems.items():
        print(f"  {name}: {'; '.join(problems)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="people at once (20)")
    parser.add_argument("--phase", type=float, default=4, help="seconds per page phase (4)")
    parser.add_argument("--rounds", type=int, default=3, help="times round every page (3)")
    parser.add_argument("--mix", type=float, default=30, help="seconds of people walking (30)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's)")
    parser.add_argument("--threads", type=int, help="use gthread workers with this many threads")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pages",
        default=",".join(READINGS + WRITES),
        help="which pages to measure alone, comma-separated (default: all of them)",
    )
    parser.add_argument("--port", type=int, default=18200)
    args = parser.parse_args()

    run = harness.Run(args.database, name="nearer_perf_load")
    usernames = run.prepare(people=args.users, reflections=5, prefix="walker")
    server = run.server(harness.ports(args.port)[0], workers=args.workers, threads=args.threads)
    server.start()
    try:
        browsers = harness.signed_in_browsers(server.url, usernames)
        walk = harness.Walk.find(browsers[0])
        people = harness.all_at_once(
            enumerate(browsers, 1), lambda nb: Person(nb[0], nb[1], walk), limit=8
        )
        workers = len(server.children())
        kind = f"gthread x{args.threads}" if args.threads else "sync"
        print(f"gunicorn: {workers} {kind} workers on 127.0.0.1:{server.port}, {args.database}")
        print(f"pages: {walk.journey}, {len(walk.stages)} stages, /reflections/, {walk.check_ins}")

        pages = [p.strip() for p in args.pages.split(",") if p.strip()]
        bare, measured = same_concurrency(people, args.phase, pages, args.rounds)
        checks = print_same_concurrency(bare, measured, args.users, args.phase, args.rounds)
        if args.mix > 0:
            people_walking(people, args.mix)
        gevent.sleep(0.5)
        rss = server.worker_rss_mb()
        harness.banner("Memory")
        print(f"gunicorn worker RSS after the run (MB): {', '.join(map(str, rss))}")
        checks.append(("every worker's RSS < 120 MB", bool(rss) and max(rss) < 120))
    finally:
        server.stop()
    print()
    for text, ok in checks:
        print(f"{harness.verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    harness.run_script(main)
