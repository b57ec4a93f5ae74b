"""100 people saving as they type, all at once: no save lost, no 5xx, even through kill -9.

    .venv/bin/python tests/perf/writers.py           # after bin/setup --dev; about 3 minutes
    .venv/bin/python tests/perf/writers.py --writers 100 --seconds 60 --databases sqlite
    .venv/bin/python tests/perf/writers.py --kills 2 --seconds 30 --databases sqlite

For each database in turn (SQLite, then PostgreSQL): starts gunicorn with the
production settings, signs in `--writers` people as locust users, and has
each autosave their own reflection as fast as the server answers (no pause:
the hardest case for SQLite's single writer) for `--seconds`. Every save
sends the next, longer draft with the reflection's id and version, as the
stage page's box does.

With `--kills N`, N times during the run, evenly spaced, it sends SIGKILL to
gunicorn's whole process group (the master and every worker, mid-request)
and starts it again on the same port. The writers keep going: a save that got
no answer may or may not have been written, and the next one carries on from
what the browser last knew (a conflict then keeps both texts).

Afterwards, with gunicorn stopped, every reflection in the database is
compared with the last text acknowledged for it (or a later one sent without
an answer, which the server may have written just before dying), and on
SQLite `PRAGMA integrity_check` must answer "ok".
"""

import harness  # noqa: I001 (first: locust patches the standard library for gevent)

import argparse
import itertools
import time
from collections import Counter

import gevent
from locust import task


class Writer(harness.Person):
    """A person typing into the box of their own reflection, each draft longer than the last."""

    everyone: list["Writer"] = []
    statuses: Counter = Counter()

    def arrived(self) -> None:
        self.box = harness.Box(self.me["save"], self.me["reflection"], self.me["version"])
        self.drafts = itertools.count(1)
        Writer.everyone.append(self)

    @task
    def type_and_save(self) -> None:
        text = harness.typed(self.number, next(self.drafts))
        status = self.box.save(self.client, text, name="autosave").status_code
        Writer.statuses[status] += 1
        if status == 0:
            gevent.sleep(0.2)  # the server is down; a browser waits before it tries again


def write_on(database: str, count: int, seconds: float, kills: int, port: int) -> dict:
    run = harness.Run(database, name="nearer_perf_writers")
    run.prepare()
    Writer.seeded = run.seed(count, reflections=1, prefix="writer")
    Writer.everyone, Writer.statuses = [], Counter()
    server = run.server(port).start()
    killed, downtimes = 0, []
    try:
        with harness.Swarm(Writer, server.url, count) as swarm:
            swarm.stats.reset_all()
            started = time.monotonic()
            for _ in range(kills):
                gevent.sleep(seconds / (kills + 1))
                killed += server.kill9()
                down = time.monotonic()
                server.start()
                downtimes.append(time.monotonic() - down)
            gevent.sleep(max(started + seconds - time.monotonic(), 0))
            elapsed = harness.elapsed_since(started)
    finally:
        server.stop()
    stored = run.stored_reflections("writer")
    saves, statuses = swarm.entry("autosave", "POST"), Writer.statuses
    return {
        "database": database,
        "acknowledged": sum(writer.box.saves for writer in Writer.everyone),
        "lost": sum(len(writer.box.lost(stored)) for writer in Writer.everyone),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "conflicts": statuses[409],
        "unanswered": statuses[0],
        "other": sum(n for status, n in statuses.items() if status not in (0, 200, 409))
        - sum(n for status, n in statuses.items() if status >= 500),
        "saves/s": saves.num_requests / elapsed,
        "p50": float(saves.get_response_time_percentile(0.5)),
        "p95": float(saves.get_response_time_percentile(0.95)),
        "p99": float(saves.get_response_time_percentile(0.99)),
        "killed processes": killed,
        "restart s": max(downtimes, default=0.0),
        "integrity": run.sqlite_integrity() if database == "sqlite" else "n/a",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=100, help="people saving at once (100)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they write (60)")
    parser.add_argument("--kills", type=int, default=0, help="SIGKILLs to gunicorn (0)")
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated (sqlite,postgres)"
    )
    parser.add_argument("--port", type=int, default=18400)
    args = parser.parse_args()
    port = harness.ports(args.port)[0]

    results = []
    for database in args.databases.split(","):
        harness.banner(
            f"{args.writers} writers for {args.seconds:g} s on {database}"
            + (f", gunicorn killed {args.kills} times" if args.kills else "")
        )
        results.append(write_on(database.strip(), args.writers, args.seconds, args.kills, port))

    columns = ["database", "acknowledged", "lost", "5xx", "conflicts", "unanswered", "other"]
    columns += ["saves/s", "p50", "p95", "p99"]
    if args.kills:
        columns += ["killed processes", "restart s", "integrity"]
    print(harness.table([[r[c] for c in columns] for r in results], columns))
    print("(ms; unanswered: cut off by a kill, the browser keeps the text and saves again;")
    print(" conflicts: the save after one written but not answered, kept as a new reflection)")
    checks = []
    for r in results:
        db = r["database"]
        checks.append((f"{db}: every acknowledged save is stored", r["lost"] == 0))
        checks.append((f"{db}: 0 answers 5xx", r["5xx"] == 0))
        if not args.kills:
            checks.append((f"{db}: every save acknowledged", r["other"] + r["conflicts"] == 0))
        if args.kills and db == "sqlite":
            checks.append(("sqlite: PRAGMA integrity_check is ok", r["integrity"] == "ok"))
    harness.report(checks)


if __name__ == "__main__":
    harness.run_script(main)
