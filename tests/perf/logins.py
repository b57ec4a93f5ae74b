"""A storm of sign-ins: memory and latency of password hashing, and the lockout.

    .venv/bin/python tests/perf/logins.py            # after bin/setup --dev
    .venv/bin/python tests/perf/logins.py --people 50 --rounds 3

Starts gunicorn with the production settings on SQLite and has `--people`
people sign in through the real form all at the same moment, `--rounds`
times. It does this with Django's default Argon2 parameters and then with
Nearer's own (guide/hashers.py, first in PASSWORD_HASHERS), each on a fresh
database, and prints for each: p50/p95/max sign-in time, and the memory of
gunicorn's master and workers (peak of their sum, sampled every 10 ms, and
the sum of each process's own high-water mark, which can only overstate it).
Then, on Nearer's settings, it checks the brute-force lockout still works:
wrong passwords up to the limit lock that username out (429), even with the
right password, while another person still signs in.

Targets: peak memory under 2 GiB, p95 sign-in under 1 s.
"""

import harness  # noqa: I001 (first: locust patches the standard library for gevent)

import argparse

import gevent
import psutil

DEFAULT_HASHER = "django.contrib.auth.hashers.Argon2PasswordHasher"
GIB = 1024


def peak_high_water_mb(server: harness.Server) -> float:
    """Sum over master and workers of the most memory each ever held (VmHWM)."""
    total_kb = 0
    for process in [psutil.Process(server.process.pid), *server.children()]:
        with open(f"/proc/{process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def storm(label: str, hasher: str | None, people: int, rounds: int, port: int) -> dict:
    run = harness.Run("sqlite")
    if hasher:
        run.env["NEARER_PERF_PASSWORD_HASHER"] = hasher
    run.prepare()
    usernames = [p["username"] for p in run.seed(people, reflections=0, prefix="signer")]
    params = run.in_django("hasher", "--user", usernames[0])["params"]
    server = run.server(port).start()
    counted = harness.counting()
    peak = {"mb": server.tree_rss_mb()}

    def watch_memory() -> None:
        while True:
            peak["mb"] = max(peak["mb"], server.tree_rss_mb())
            gevent.sleep(0.01)

    watcher = gevent.spawn(watch_memory)
    try:
        for _ in range(rounds):
            clients = {name: harness.session(server.url, counted) for name in usernames}
            # Everyone has the sign-in page open, then all press the button at once.
            harness.all_at_once(clients.values(), lambda c: c.get("/accounts/login/"))
            harness.all_at_once(
                clients.items(),
                lambda item: harness.press_sign_in(item[1], item[0], name="sign in"),
            )
        watcher.kill()
        result = {
            "label": label,
            "params": params,
            "stats": counted.stats.get("sign in", "POST"),
            "peak_mb": peak["mb"],
            "high_water_mb": peak_high_water_mb(server),
            "workers": len(server.children()),
        }
        if not hasher:
            result["lockout"] = lockout(server.url, usernames)
        return result
    finally:
        watcher.kill()
        server.stop()


def lockout(url: str, usernames: list[str]) -> dict:
    victim, bystander = usernames[0], usernames[1]
    attacker = harness.session(url)
    wrong = [harness.sign_in(attacker, victim, "not the password") for _ in range(6)]
    right = harness.sign_in(attacker, victim)
    other = harness.sign_in(harness.session(url), bystander)
    return {"wrong": wrong, "right_after": right, "other_person": other}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50, help="sign-ins at once (50)")
    parser.add_argument("--rounds", type=int, default=3, help="storms per hasher (3)")
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument(
        "--skip-default", action="store_true", help="measure only Nearer's settings"
    )
    args = parser.parse_args()
    port = harness.ports(args.port)[0]

    results = []
    if not args.skip_default:
        harness.banner(f"Django's default Argon2: {args.people} sign-ins at once, x{args.rounds}")
        results.append(storm("Django default", DEFAULT_HASHER, args.people, args.rounds, port))
    harness.banner(f"Nearer's settings: {args.people} sign-ins at once, x{args.rounds}")
    results.append(storm("Nearer", None, args.people, args.rounds, port))

    rows = []
    for r in results:
        s = r["stats"]
        percentiles = [float(s.get_response_time_percentile(p)) for p in (0.5, 0.95, 0.99)]
        rows.append(
            [
                r["label"],
                r["params"],
                s.num_requests,
                s.num_failures,
                *percentiles,
                r["peak_mb"],
                r["high_water_mb"],
            ]
        )
    print()
    headers = ["hasher", "parameters", "sign-ins", "errors", "p50 ms", "p95 ms", "p99 ms"]
    print(harness.table(rows, [*headers, "peak MiB", "high-water MiB"]))
    nearer = results[-1]
    s, lock = nearer["stats"], nearer["lockout"]
    locked = all(code == 429 for code in lock["wrong"][-2:]) and lock["right_after"] == 429
    print()
    print(f"gunicorn workers: {nearer['workers']} sync")
    print(f"wrong passwords, statuses in turn: {lock['wrong']}")
    print(
        f"right password after that: {lock['right_after']}; another person: {lock['other_person']}"
    )
    harness.report(
        [
            ("peak memory < 2 GiB", nearer["high_water_mb"] < 2 * GIB),
            ("p95 sign-in < 1 s", s.get_response_time_percentile(0.95) < 1000),
            ("no failed sign-in", s.num_failures == 0),
            ("lockout after the limit, even with the right password", locked),
            ("another person still signs in", lock["other_person"] == 302),
        ]
    )


if __name__ == "__main__":
    harness.run_script(main)
