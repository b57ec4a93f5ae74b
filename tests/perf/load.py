"""Nearer's pages under load, each against bare Django in the same run.

    .venv/bin/python tests/perf/load.py              # after bin/setup --dev; about 2 minutes
    .venv/bin/python tests/perf/load.py --phase 5 --mix 20 --users 20

Starts gunicorn with the production settings (guide/gunicorn.conf.py: two
sync workers per core) on a fresh SQLite database on 127.0.0.1, seeds
`--users` people with a few reflections each and signs them in through the
form. The baseline is `/perf/bare/`: a plain HttpResponse on the same server,
settings and middleware (tests/perf/urls.py), with the same signed-in
cookies. Two parts:

1. Same concurrency: for each page, `--users` people ask for it again and
   again, with no pause, for `--phase` seconds. Each page's phase sits
   between two bare phases, and is compared with their mean: p95 ratio
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


def same_concurrency(
    people: list[Person], seconds: float, pages: list[str]
) -> dict[str, harness.Stats]:
    """Each page alone at full speed, between two bare phases; stats by page."""
    recorder = harness.Recorder()
    for person in people:
        person.browser.recorder = recorder
    results: dict[str, harness.Stats] = {}
    bare: list[harness.Stats] = []

    def phase(what: str) -> harness.Stats:
        name = what if what != "bare" else f"bare {len(bare) + 1}"
        recorder.restart_clock()
        started = time.monotonic()
        harness.for_a_while(seconds, people, lambda p: p.do(what))
        elapsed = time.monotonic() - started
        stats = recorder.stats(what, elapsed)
        stats.name = name
        return stats

    # Warm up: every worker imports its templates and opens its connection.
    harness.for_a_while(min(seconds, 3), people, lambda p: p.do("stage"))
    bare.append(phase("bare"))
    for what in pages:
        results[what] = phase(what)
        bare.append(phase("bare"))
        results[what].bare = (bare[-2], bare[-1])
    results["bare"] = bare
    return results


def mean(a: float, b: float) -> float:
    return (a + b) / 2


def print_same_concurrency(
    results: dict, users: int, seconds: float, pages: list[str]
) -> list[tuple[str, bool]]:
    harness.banner(f"Same concurrency: {users} people, no pause, {seconds:g} s a page")
    rows, checks = [], []
    for b in results["bare"]:
        rows.append([b.name, b.per_second, b.p50, b.p95, b.p99, b.errors, "", "", ""])
    for what in pages:
        s = results[what]
        before, after = s.bare
        p95_ratio = s.p95 / mean(before.p95, after.p95)
        rate_ratio = s.per_second / mean(before.per_second, after.per_second)
        limit = 2 if what == "autosave" else 3
        ok = p95_ratio <= limit and rate_ratio >= 1 / 3 and s.errors == 0
        if what in ("journey", "stage", "reflections", "autosave"):
            checks.append(
                (f"{what}: p95 <= {limit}x bare, throughput >= 1/3 of bare, 0 errors", ok)
            )
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
    print(
        harness.table(
            rows,
            [
                "page",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "p95 / bare",
                "req/s / bare",
                "targets",
            ],
        )
    )
    print("(bare n: the baseline phases, in order; each page is compared with the mean of")
    print(" the bare phases just before and after it)")
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
    parser.add_argument("--phase", type=float, default=6, help="seconds per page phase (6)")
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
        results = same_concurrency(people, args.phase, pages)
        checks = print_same_concurrency(results, args.users, args.phase, pages)
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
