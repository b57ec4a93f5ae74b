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

import harness  # noqa: I001 (first: it patches the standard library for gevent)

import argparse
import itertools
import os
import random
import shutil
import subprocess
import time
from collections import Counter

import gevent

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
        if harness.Browser(f"http://127.0.0.1:{BALANCED}", timeout=2).get("/healthz").status == 200:
            return
        gevent.sleep(0.1)
    raise SystemExit("nginx did not answer on 127.0.0.1:18500")


def answered_by(response: harness.Response) -> str:
    return response.header("x-nearer-instance") or "?"


def one_person_everywhere(url: str, username: str) -> bool:
    harness.banner("One person, every server")
    browser = harness.Browser(url)
    seen: list[tuple[str, int, str]] = []

    def note(what: str, response: harness.Response) -> None:
        seen.append((what, response.status, answered_by(response)))

    note("sign-in page", browser.get("/accounts/login/"))
    note("sign in (POST)", browser.sign_in(username))
    walk = harness.Walk.find(browser)
    for stage in walk.stages[:3]:
        note("stage", browser.get(stage))
    box = harness.Autosave(browser, walk.stages[0])
    for n in range(1, 7):
        note("autosave (POST)", box.save(harness.typed(0, n)))
    note("journey", browser.get(walk.journey))
    note("reflections", browser.get("/reflections/"))
    data = {"csrfmiddlewaretoken": browser.csrf_token, "readiness": "3", "note": "Better today."}
    note("check in (POST)", browser.post(walk.check_ins, data, headers={"HX-Request": "true"}))
    note("check-ins page", browser.get(walk.check_ins))
    expected = {"sign in (POST)": 302}
    ok = all(status == expected.get(what, 200) for what, status, _ in seen)
    servers = Counter(server for _, _, server in seen)
    print(" ".join(f"{what}→{server}" for what, _, server in seen))
    print(f"answers by server: {dict(sorted(servers.items()))}; all as expected: {ok}")
    stored = box.acked
    return ok and len(servers) == 3 and bool(stored)


class Visitor:
    def __init__(self, number: int, browser: harness.Browser, walk: harness.Walk) -> None:
        self.number, self.browser, self.walk = number, browser, walk
        self.box = harness.Autosave(browser, walk.stages[number % len(walk.stages)], which=number)
        self.drafts = itertools.count(1)
        self.steps = itertools.cycle(["stage", "autosave", "journey", "autosave", "reflections"])
        self.servers: Counter = Counter()

    def step(self) -> None:
        what = next(self.steps)
        if what == "autosave":
            response = self.box.save(harness.typed(self.number, next(self.drafts)), name="request")
        elif what == "stage":
            response = self.browser.get(random.choice(self.walk.stages), name="request")
        elif what == "journey":
            response = self.browser.get(self.walk.journey, name="request")
        else:
            response = self.browser.get("/reflections/", name="request")
        self.servers[answered_by(response)] += 1

    def save(self) -> None:
        response = self.box.save(harness.typed(self.number, next(self.drafts)), name="autosave")
        self.servers[answered_by(response)] += 1


def visitors_through(url: str, usernames: list[str], walk_from: harness.Browser) -> list[Visitor]:
    browsers = harness.signed_in_browsers(url, usernames)
    walk = harness.Walk.find(walk_from)
    return harness.all_at_once(
        enumerate(browsers, 1), lambda nb: Visitor(nb[0], nb[1], walk), limit=8
    )


def throughput(visitors: list[Visitor], seconds: float) -> harness.Stats:
    recorder = harness.Recorder()
    for visitor in visitors:
        visitor.browser.recorder = recorder
    harness.for_a_while(seconds, visitors, Visitor.step)
    return recorder.stats("request", time.monotonic() - recorder.started)


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
    usernames = run.prepare(people=args.people + 1, prefix="visitor")
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
                one_person_everywhere(balanced, usernames[0]),
            )
        )

        harness.banner(f"Throughput: {args.people} people, no pause, {args.seconds:g} s each")
        guide = harness.signed_in_browsers(balanced, usernames[:1])[0]
        one = throughput(visitors_through(single, usernames[1:], guide), args.seconds)
        three = throughput(visitors_through(balanced, usernames[1:], guide), args.seconds)
        rows = [
            ["1 instance", one.per_second, one.p50, one.p95, one.p99, one.errors],
            ["3 instances", three.per_second, three.p50, three.p95, three.p99, three.errors],
        ]
        print(
            harness.table(rows, ["through nginx", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"])
        )
        print(f"3 instances / 1 instance: {three.per_second / one.per_second:.2f}x req/s")
        checks.append(("no errors with 1 or 3 instances", one.errors == three.errors == 0))

        harness.banner(f"Server b stops halfway through {args.seconds:g} s of saving")
        writers = visitors_through(balanced, usernames[1:], guide)
        recorder = harness.Recorder()
        for writer in writers:
            writer.browser.recorder = recorder
            writer.servers.clear()
        before: Counter = Counter()
        during: Counter = Counter()

        def stop_b() -> None:
            gevent.sleep(args.seconds / 2)
            for writer in writers:
                before.update(writer.servers)
                writer.servers.clear()
            servers["b"].stop()
            # What b finished gracefully, and what was cut off as it went.
            for writer in writers:
                during.update(writer.servers)
                writer.servers.clear()

        stopper = gevent.spawn(stop_b)
        harness.for_a_while(args.seconds, writers, Visitor.save)
        stopper.get(timeout=60)
        after: Counter = Counter()
        for writer in writers:
            after.update(writer.servers)
        stored = harness.stored_reflections(run, "visitor")
        lost = sum(len(writer.box.lost(stored)) for writer in writers)
        saves = recorder.stats("autosave", time.monotonic() - recorder.started)
        cut_off = recorder.count("autosave", 502, 502)
        app_errors = recorder.count("autosave", 500, 599) - cut_off
        print(f"saves answered before the stop:      {dict(sorted(before.items()))}")
        print(f"saves answered while b was stopping: {dict(sorted(during.items()))}")
        print(f"saves answered after b had stopped:  {dict(sorted(after.items()))}")
        print("(?: nginx's 502 for a save b had queued but not begun when it stopped)")
        print(
            f"acknowledged {sum(w.box.saves for w in writers)}, lost {lost}, "
            f"cut off (502, not acknowledged, the browser saves again) {cut_off}, "
            f"other 5xx {app_errors}, other failures {saves.errors - cut_off - app_errors}, "
            f"p95 {saves.p95:.0f} ms"
        )
        checks.append(("no save lost when a server stops", lost == 0))
        checks.append(("no 5xx from the app servers", app_errors == 0))
        checks.append(("after the stop a and c answer every save", set(after) <= {"a", "c"}))
    finally:
        for server in servers.values():
            server.stop()
    print()
    for text, ok in checks:
        print(f"{harness.verdict(ok):6}  {text}")
    raise SystemExit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    harness.run_script(main)
