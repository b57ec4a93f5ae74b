"""100 people saving as they type, all at once: no save lost, no 5xx.

    .venv/bin/python tests/perf/writers.py           # after bin/setup --dev; about 3 minutes
    .venv/bin/python tests/perf/writers.py --writers 100 --seconds 60 --databases sqlite

For each database in turn (SQLite, then PostgreSQL): starts gunicorn with the
production settings, signs in `--writers` people, and has each autosave its
own reflection as fast as the server answers (no pause: the hardest case for
SQLite's single writer) for `--seconds`. Every save sends the next, longer
draft with the reflection's id and version, as the stage page's form does.
Then gunicorn stops and every reflection in the database is compared with
the last text that got a 2xx answer for it.

Prints saves acknowledged, saves lost (must be 0), 5xx answers (must be 0),
other failures, and p50/p95/p99 save latency.
"""

import harness  # noqa: I001 (first: it patches the standard library for gevent)

import argparse
import time


def writers_on(database: str, count: int, seconds: float, port: int) -> dict:
    with harness.Writers(database, count, port, name="nearer_perf_writers") as writers:
        started = time.monotonic()
        harness.for_a_while(seconds, writers.people, harness.Writer.type_and_save)
        elapsed = time.monotonic() - started
    recorder = writers.recorder
    stats = recorder.stats("autosave", elapsed)
    return {
        "database": database,
        "stats": stats,
        "acknowledged": writers.acknowledged,
        "lost": len(writers.lost()),
        "5xx": recorder.count("autosave", 500, 599),
        "other failures": stats.errors - recorder.count("autosave", 500, 599),
        "problems": recorder.problems.get("autosave", []),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=100, help="people saving at once (100)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they write (60)")
    parser.add_argument(
        "--databases", default="sqlite,postgres", help="comma-separated (sqlite,postgres)"
    )
    parser.add_argument("--port", type=int, default=18400)
    args = parser.parse_args()
    port = harness.ports(args.port)[0]

    results = []
    for database in args.databases.split(","):
        harness.banner(f"{args.writers} writers for {args.seconds:g} s on {database}")
        results.append(writers_on(database.strip(), args.writers, args.seconds, port))

    print()
    rows = []
    for r in results:
        s = r["stats"]
        rows.append(
            [
                r["database"],
                r["acknowledged"],
                r["lost"],
                r["5xx"],
                r["other failures"],
                s.per_second,
                s.p50,
                s.p95,
                s.p99,
            ]
        )
    print(
        harness.table(
            rows,
            [
                "database",
                "acknowledged",
                "lost",
                "5xx",
                "other failures",
                "saves/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
            ],
        )
    )
    for r in results:
        for problem in r["problems"]:
            print(f"  {r['database']}: {problem}")
    print()
    checks = []
    for r in results:
        checks.append((f"{r['database']}: 0 saves lost", r["lost"] == 0))
        checks.append((f"{r['database']}: 0 answers 5xx", r["5xx"] == 0))
        checks.append((f"{r['database']}: every save acknowledged", r["other failures"] == 0))
    for text, ok in checks:
        print(f"{harness.verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    harness.run_script(main)
