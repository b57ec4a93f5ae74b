"""The performance guard: each page's throughput and p99 against the signed-in help page.

    .venv/bin/python tests/perf/guard.py             # after bin/setup --dev; about 3 minutes
    .venv/bin/python tests/perf/guard.py --users 20 --phase 4 --rounds 3

Starts gunicorn with the production settings (guide/gunicorn.conf.py) on a
fresh SQLite database on 127.0.0.1, seeds `--users` people with five
reflections and five check-ins each, linked in pairs that share every
reflection, and has each sign in through the form
as a locust user. The floor is the signed-in help page, `/help/`: every
middleware, the session and the user, a template, and no notes.

Each page is asked for alone, by everyone at once with no pause, for
`--phase` seconds, right after a phase of the floor; that goes round every
page `--rounds` times, so the pages and the floor meet the machine's good
and bad moments alike. Each page's phases are pooled, and so are the
floor's. The pages: the journey, a stage the person wrote in, My
reflections, check-ins, "Shared with me" (`/partner/shared/`, the
partner's five shared reflections), an autosave that updates the person's reflection
there (as the stage page's box sends it), and `/healthz`.

Targets: journey, stage, My reflections, check-ins and "Shared with me" keep at least 0.4 of
the floor's throughput and at most 2.5 times its p99; autosave at most 2
times its p99; no errors. It also prints each gunicorn worker's memory.
"""

import harness  # noqa: I001 (first: locust patches the standard library for gevent)

import argparse
import itertools
import time

import gevent
from locust import task

FLOOR = "help"
PAGES = ["healthz", "journey", "stage", "reflections", "check-ins", "partner-shared", "autosave"]
READ_TARGET = {"throughput": 0.4, "p99": 2.5}
SAVE_P99 = 2.0


class Reader(harness.Person):
    """A signed-in person asking for whatever `Reader.page` says, again and again."""

    page: str | None = None

    def arrived(self) -> None:
        me = self.me
        self.box = harness.Box(me["save"], me["reflection"], me["version"])
        self.drafts = itertools.count(1)
        self.paths = {
            "help": "/help/",
            "healthz": "/healthz",
            "journey": me["journey"],
            "stage": me["stage"],
            "reflections": "/reflections/",
            "check-ins": me["check_ins"],
            "partner-shared": "/partner/shared/",
        }

    @task
    def ask(self) -> None:
        page = Reader.page
        if page is None:
            gevent.sleep(0.01)
        elif page == "autosave":
            self.box.save(self.client, harness.typed(self.number, next(self.drafts)), name=page)
        else:
            self.client.get(self.paths[page], name=page)


def phases(swarm: harness.Swarm, pages: list[str], seconds: float, rounds: int) -> dict:
    """Seconds spent on each page; everyone asks for one page at a time."""
    spent = dict.fromkeys([FLOOR, *pages], 0.0)

    def phase(page: str | None, length: float) -> None:
        Reader.page = page
        started = time.monotonic()
        gevent.sleep(length)
        Reader.page = None
        if page:
            spent[page] += time.monotonic() - started
        # What was asked for before the pause is answered before the next phase.
        gevent.sleep(0.3)

    for page in [FLOOR, *pages]:  # every worker imports its templates, opens its connection
        phase(page, 1)
    swarm.stats.reset_all()
    for _round in range(rounds):
        for page in pages:
            phase(FLOOR, seconds)
            phase(page, seconds)
    return spent


def figures(swarm: harness.Swarm, spent: dict) -> dict[str, dict]:
    found = {}
    for page, seconds in spent.items():
        entry = swarm.entry(page, "POST" if page == "autosave" else "GET")
        found[page] = {
            "req/s": entry.num_requests / seconds,
            "p50": float(entry.get_response_time_percentile(0.5)),
            "p99": float(entry.get_response_time_percentile(0.99)),
            "errors": entry.num_failures,
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="people at once (20)")
    parser.add_argument("--phase", type=float, default=4, help="seconds a phase (4)")
    parser.add_argument("--rounds", type=int, default=3, help="times round every page (3)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's)")
    parser.add_argument("--threads", type=int, help="use gthread workers with this many threads")
    parser.add_argument("--port", type=int, default=18200)
    args = parser.parse_args()

    run = harness.Run("sqlite")
    run.prepare()
    Reader.seeded = run.seed(args.users, reflections=5, prefix="reader", check_ins=5, partners=True)
    port = harness.ports(args.port)[0]
    server = run.server(port, workers=args.workers, threads=args.threads).start()
    try:
        with harness.Swarm(Reader, server.url, args.users) as swarm:
            kind = f"gthread x{args.threads}" if args.threads else "sync"
            print(f"gunicorn: {len(server.children())} {kind} workers on {server.url}, SQLite")
            print(f"{args.users} people, no pause, {args.phase:g} s a phase, {args.rounds} rounds")
            spent = phases(swarm, PAGES, args.phase, args.rounds)
        rss = server.worker_rss_mb()
    finally:
        server.stop()

    found = figures(swarm, spent)
    floor = found[FLOOR]
    harness.banner(f"Each page against the floor (signed-in /help/: {floor['req/s']:.0f} req/s)")
    rows, checks = [], []
    for page in [FLOOR, *PAGES]:
        f = found[page]
        throughput, p99 = f["req/s"] / floor["req/s"], f["p99"] / floor["p99"]
        rows.append([page, f["req/s"], f["p50"], f["p99"], f["errors"], throughput, p99])
        if page == "autosave":
            checks.append((f"autosave: p99 <= {SAVE_P99:g}x the floor's", p99 <= SAVE_P99))
        elif page not in (FLOOR, "healthz"):
            text = (
                f"{page}: throughput >= {READ_TARGET['throughput']:g} of the floor's, "
                f"p99 <= {READ_TARGET['p99']:g}x"
            )
            ok = throughput >= READ_TARGET["throughput"] and p99 <= READ_TARGET["p99"]
            checks.append((text, ok))
    headers = ["page", "req/s", "p50 ms", "p99 ms", "errors", "req/s ÷ floor", "p99 ÷ floor"]
    print(harness.table(rows, headers))
    healthz = found["healthz"]["req/s"]
    print(f"the floor's throughput is {floor['req/s'] / healthz:.2f} of /healthz's")
    print(f"gunicorn worker RSS after the run (MB): {', '.join(map(str, rss))}")
    checks.append(("no request failed", all(f["errors"] == 0 for f in found.values())))
    harness.report(checks)


if __name__ == "__main__":
    harness.run_script(main)
