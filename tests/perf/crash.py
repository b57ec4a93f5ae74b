"""Kill gunicorn with SIGKILL while people save: every acknowledged save survives.

    .venv/bin/python tests/perf/crash.py             # after bin/setup --dev; about 1 minute
    .venv/bin/python tests/perf/crash.py --writers 100 --seconds 30 --kills 2

Starts gunicorn with the production settings on a fresh SQLite database and
has `--writers` people autosave their own reflections as fast as the server
answers (as writers.py does). `--kills` times during the run, evenly spaced,
it sends SIGKILL to gunicorn's whole process group (the master and every
worker, mid-request), then starts gunicorn again on the same port. The
writers keep going: a save that got no answer may or may not have been
written, and the next one carries on from what the browser last knew.

Afterwards, with gunicorn stopped, it checks that the stored text of every
reflection is the last one acknowledged for it, or a later one sent without
an answer (which the server may have written just before dying), and that
SQLite's `PRAGMA integrity_check` answers "ok". `--databases postgres` runs
the same against PostgreSQL (without the SQLite check).
"""

import harness  # noqa: I001 (first: it patches the standard library for gevent)

import argparse
import time

import gevent


def save_through_crashes(writer: harness.Writer) -> None:
    if writer.type_and_save(expect=(200, 409)).status == 0:
        gevent.sleep(0.2)  # the server is down; a browser waits before it tries again


def crash_on(database: str, count: int, seconds: float, kills: int, port: int) -> dict:
    downtimes: list[float] = []
    killed = 0
    with harness.Writers(database, count, port, name="nearer_perf_crash") as writers:

        def killer() -> None:
            nonlocal killed
            for _ in range(kills):
                gevent.sleep(seconds / (kills + 1))
                killed += writers.server.kill9()
                down = time.monotonic()
                writers.server.start()
                downtimes.append(time.monotonic() - down)

        chaos = gevent.spawn(killer)
        harness.for_a_while(seconds, writers.people, save_through_crashes)
        chaos.get(timeout=120)
    recorder = writers.recorder
    return {
        "database": database,
        "kills": kills,
        "killed processes": killed,
        "downtime": max(downtimes, default=0.0),
        "acknowledged": writers.acknowledged,
        "unanswered": recorder.count("autosave", 0, 0),
        "5xx": recorder.count("autosave", 500, 599),
        "conflicts": recorder.count("autosave", 409, 409),
        "lost": len(writers.lost()),
        "integrity": writers.run.sqlite_integrity() if database == "sqlite" else "n/a",
        "p95": recorder.stats("autosave").p95,
        "problems": recorder.problems.get("autosave", []),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=100, help="people saving at once (100)")
    parser.add_argument("--seconds", type=float, default=30, help="how long they write (30)")
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs during the run (2)")
    parser.add_argument("--databases", default="sqlite", help="comma-separated (sqlite)")
    parser.add_argument("--port", type=int, default=18450)
    args = parser.parse_args()
    port = harness.ports(args.port)[0]

    results = []
    for database in args.databases.split(","):
        harness.banner(
            f"{args.writers} writers for {args.seconds:g} s on {database}, "
            f"gunicorn killed {args.kills} times"
        )
        results.append(crash_on(database.strip(), args.writers, args.seconds, args.kills, port))

    print()
    columns = [
        "database",
        "kills",
        "killed processes",
        "downtime",
        "acknowledged",
        "unanswered",
        "5xx",
        "conflicts",
        "lost",
        "integrity",
    ]
    rows = [[r[c] for c in columns] for r in results]
    print(harness.table(rows, [c.replace("downtime", "restart s") for c in columns]))
    print("(unanswered: saves cut off by a kill, the browser keeps the text and saves again;")
    print(" conflicts: the save after one that was written but not answered, kept as a new")
    print(" reflection so neither text is lost)")
    print()
    checks = []
    for r in results:
        checks.append((f"{r['database']}: every acknowledged save is stored", r["lost"] == 0))
        checks.append((f"{r['database']}: 0 answers 5xx", r["5xx"] == 0))
        if r["database"] == "sqlite":
            checks.append(("sqlite: PRAGMA integrity_check is ok", r["integrity"] == "ok"))
    for text, ok in checks:
        print(f"{harness.verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    harness.run_script(main)
