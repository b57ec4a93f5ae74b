"""Three app servers behind nginx on PostgreSQL: any server answers anyone, and one can stop.

    .venv/bin/python tests/perf/scaleout.py          # after bin/setup --dev; about 1.5 minutes
    .venv/bin/python tests/perf/scaleout.py --people 30 --seconds 15

Needs PostgreSQL on 127.0.0.1:5432 and Debian's nginx (installed with
apt-get when missing and running as root). Starts three gunicorn instances
(production settings, one shared fresh PostgreSQL database, ports
18501-18503) and nginx with tests/perf/nginx.conf on 127.0.0.1:18500
(round-robin over the three) and 127.0.0.1:18510 (the first alone). Then:

1. One person, every server: signs in, opens the journey and stages, saves
   as they type, opens My reflections and checks in, all through nginx.
   Prints which server answered each request (a perf-only response header)
   and checks that every answer was right: the session and CSRF token made
   on one server work on the others, and the autosaves are all stored.
2. Throughput: `--people` people open pages and save, with no pause, for
   `--seconds` through the single server and then through the three.
3. A server stops: the same people autosave for `--seconds` through the
   three; halfway, one server is stopped (SIGTERM, as a deploy or a scale-in
   does). The others carry on; no acknowledged save is lost.
"""

import harness  # noqa: I001 (first: locust patches the standard library for gevent)

import argparse
import itertools
import os
import shutil
import subprocess
import time
from collections import Counter

import gevent
from locust import task

NGINX_CONF = harness.ROOT / "tests" / "perf" / "nginx.conf"
BALANCED, SINGLE = 18500, 18510
INSTANCES = {"a": 18501, "b": 18502, "c": 18503}


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else ""
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("nginx is needed: sudo apt-get install -y nginx")
    print("Installing Debian's nginx")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True, env=env)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def start_nginx(run: harness.Run) -> None:
    prefix = run.dir / "nginx"
    prefix.mkdir()
    # nginx's workers run as an unprivileged user and keep temporary files here.
    run.dir.chmod(0o755)
    prefix.chmod(0o777)
    nginx = nginx_binary()
    test = subprocess.run(
        [nginx, "-t", "-q", "-p", str(prefix), "-c", str(NGINX_CONF)],
        capture_output=True,
        text=True,
        check=False,
    )
    if test.returncode:
        raise SystemExit(f"nginx refuses {NGINX_CONF}:\n{test.stderr}")
    process = harness.spawn(
        [nginx, "-p", str(prefix), "-c", str(NGINX_CONF)], log=prefix / "out.log"
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"nginx exited; see {prefix}/error.log")
        if harness.session(f"http://127.0.0.1:{BALANCED}").get("/healthz").status_code == 200:
            return
        gevent.sleep(0.1)
    raise SystemExit("nginx did not answer on 127.0.0.1:18500")


def answered_by(response) -> str:
    return (response.headers or {}).get("x-nearer-instance") or "?"


def one_person_everywhere(url: str, me: dict) -> bool:
    harness.banner("One person, every server")
    client = harness.session(url)
    seen: list[tuple[str, int, str]] = []

    def note(what: str, response) -> None:
        seen.append((what, response.status_code, answered_by(response)))

    note("sign-in page", client.get("/accounts/login/"))
    data = {"username": me["username"], "password": harness.PASSWORD}
    note("sign in (POST)", harness.post(client, "/accounts/login/", data, allow_redirects=False))
    for _ in range(3):
        note("stage", client.get(me["stage"]))
    box = harness.Box(me["save"], me["reflection"], me["version"])
    for n in range(1, 7):
        note("autosave (POST)", box.save(client, harness.typed(0, n)))
    note("journey", client.get(me["journey"]))
    note("reflections", client.get("/reflections/"))
    check_in = {"readiness": "3", "note": "Better today."}
    headers = {"HX-Request": "true"}
    note("check in (POST)", harness.post(client, me["check_ins"], check_in, headers=headers))
    note("check-ins page", client.get(me["check_ins"]))
    expected = {"sign in (POST)": 302}
    ok = all(status == expected.get(what, 200) for what, status, _ in seen)
    servers = Counter(server for _, _, server in seen)
    print(" ".join(f"{what}→{server}" for what, _, server in seen))
    print(f"answers by server: {dict(sorted(servers.items()))}; all as expected: {ok}")
    return ok and len(servers) == 3 and box.saves == 6


class Visitor(harness.Person):
    """Opens pages and saves, in turn, with no pause; notes which server answered."""

    servers: Counter = Counter()
    statuses: Counter = Counter()
    saving_only = False
    everyone: list["Visitor"] = []

    def arrived(self) -> None:
        self.box = harness.Box(self.me["save"], self.me["reflection"], self.me["version"])
        self.drafts = itertools.count(1)
        self.steps = itertools.cycle(["stage", "autosave", "journey", "autosave", "reflections"])
        Visitor.everyone.append(self)

    @task
    def step(self) -> None:
        what = "autosave" if self.saving_only else next(self.steps)
        if what == "autosave":
            text = harness.typed(self.number, next(self.drafts))
            response = self.box.save(self.client, text, name=what)
        else:
            paths = {"stage": self.me["stage"], "journey": self.me["journey"]}
            response = self.client.get(paths.get(what, "/reflections/"), name=what)
        Visitor.servers[answered_by(response)] += 1
        Visitor.statuses[response.status_code] += 1


def throughput(url: str, people: int, seconds: float) -> list:
    Visitor.saving_only = False
    swarm = harness.swarm_for(Visitor, url, people, seconds)
    total = swarm.stats.total
    return [
        total.num_requests / seconds,
        *[float(total.get_response_time_percentile(p)) for p in (0.5, 0.95, 0.99)],
        total.num_failures,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30, help="people at once (30)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per part (15)")
    args = parser.parse_args()
    for port in [BALANCED, SINGLE, *INSTANCES.values()]:
        if harness.ports(port)[0] != port:
            raise SystemExit(f"port {port} is in use; tests/perf/nginx.conf needs it")

    run = harness.Run("postgres", name="nearer_perf_scaleout")
    # Behind one proxy: the client's address is the last in X-Forwarded-For.
    run.env["NEARER_PROXY_COUNT"] = "1"
    run.prepare()
    # One person for the first part, and fresh people for each swarm after
    # it, so every box starts at the version stored.
    people = run.seed(3 * args.people + 1, reflections=1, prefix="visitor")
    crowds = [people[1 + n * args.people : 1 + (n + 1) * args.people] for n in range(3)]
    servers = {
        name: run.server(port, env={"NEARER_PERF_INSTANCE": name}).start()
        for name, port in INSTANCES.items()
    }
    checks = []
    try:
        start_nginx(run)
        balanced, single = f"http://127.0.0.1:{BALANCED}", f"http://127.0.0.1:{SINGLE}"
        workers = len(servers["a"].children())
        print(f"3 gunicorn instances x {workers} sync workers, nginx round-robin, PostgreSQL")
        checks.append(
            (
                "one person's requests land on all three servers, and all work",
                one_person_everywhere(balanced, people[0]),
            )
        )

        harness.banner(f"Throughput: {args.people} people, no pause, {args.seconds:g} s each")
        Visitor.seeded = crowds[0]
        one = throughput(single, args.people, args.seconds)
        Visitor.seeded = crowds[1]
        three = throughput(balanced, args.people, args.seconds)
        headers = ["through nginx", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]
        print(harness.table([["1 instance", *one], ["3 instances", *three]], headers))
        print(f"3 instances / 1 instance: {three[0] / one[0]:.2f}x req/s")
        checks.append(("no errors with 1 or 3 instances", one[-1] == three[-1] == 0))

        harness.banner(f"Server b stops halfway through {args.seconds:g} s of saving")
        Visitor.seeded, Visitor.saving_only = crowds[2], True
        Visitor.everyone, Visitor.statuses = [], Counter()
        with harness.Swarm(Visitor, balanced, args.people) as swarm:
            swarm.stats.reset_all()
            Visitor.servers = before = Counter()
            gevent.sleep(args.seconds / 2)
            # What b finished gracefully, and what was cut off as it went.
            Visitor.servers = during = Counter()
            servers["b"].stop()
            Visitor.servers = after = Counter()
            gevent.sleep(args.seconds / 2)
        stored = run.stored_reflections("visitor")
        lost = sum(len(visitor.box.lost(stored)) for visitor in Visitor.everyone)
        saves = swarm.entry("autosave", "POST")
        statuses = Visitor.statuses
        cut_off = statuses[502]
        app_errors = sum(n for status, n in statuses.items() if status >= 500) - cut_off
        print(f"saves answered before the stop:      {dict(sorted(before.items()))}")
        print(f"saves answered while b was stopping: {dict(sorted(during.items()))}")
        print(f"saves answered after b had stopped:  {dict(sorted(after.items()))}")
        print("(?: nginx's 502 for a save b had queued but not begun when it stopped)")
        print(
            f"acknowledged {sum(v.box.saves for v in Visitor.everyone)}, lost {lost}, "
            f"cut off (502, not acknowledged, the browser saves again) {cut_off}, "
            f"other 5xx {app_errors}, "
            f"other failures {saves.num_failures - cut_off - app_errors}, "
            f"p95 {saves.get_response_time_percentile(0.95)} ms"
        )
        checks.append(("no save lost when a server stops", lost == 0))
        checks.append(("no 5xx from the app servers", app_errors == 0))
        checks.append(("after the stop a and c answer every save", set(after) <= {"a", "c"}))
    finally:
        for server in servers.values():
            server.stop()
    harness.report(checks)


if __name__ == "__main__":
    harness.run_script(main)
