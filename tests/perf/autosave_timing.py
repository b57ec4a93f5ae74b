"""How long one autosave takes, and how many queries it runs.

    .venv/bin/python -m tests.perf.autosave_timing
    .venv/bin/python -m tests.perf.autosave_timing --saves 500
    .venv/bin/python -m tests.perf.autosave_timing --database-url postgres://postgres@127.0.0.1:5432/test

Signs one person in with Django's test Client against a fresh database (by
default a SQLite file in a scratch directory, with the site's own settings:
WAL, synchronous=FULL, immediate transactions), writes a first reflection,
then sends `--saves` htmx autosaves that update it, each carrying the version
the last one returned, as the stage page does. Prints the median and p95
time of one save in milliseconds (the whole request through the middleware,
the view, the encryption and the database, without the network) and the
queries each save ran. The PostgreSQL database given is migrated and left
with the person in it.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=200, help="autosaves to time (200)")
    parser.add_argument("--database-url", help="a database to use instead of a scratch SQLite file")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory(prefix="nearer-autosave-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/perf.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

    import django

    django.setup()

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from journeys.models import Profile, Prompt, Reflection

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_journeys", verbosity=0)

    user, _created = User.objects.get_or_create(username="autosave-timing")
    Profile.objects.get_or_create(user=user)
    prompt = Prompt.objects.filter(stage__published=True, audience="everyone").first()
    stage = prompt.stage
    url = reverse("journeys:save_reflection", args=[stage.journey.slug, stage.slug, prompt.pk])
    client = Client(headers={"HX-Request": "true"})
    client.force_login(user)
    client.get(reverse("journeys:stage", args=[stage.journey.slug, stage.slug]))

    text = "We walked to the end of the road and back, slowly, and talked about the garden."
    first = client.post(url, {"text": text})
    assert first.status_code == 200, first.status_code
    reflection = Reflection.objects.filter(user=user).latest("pk")
    version = reflection.version

    timings_ms, queries = [], []
    for n in range(args.saves):
        data = {"text": f"{text} {n}", "reflection": reflection.pk, "version": version}
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, data)
            timings_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        version = int(re.search(r'name="version" value="(\d+)"', response.text).group(1))
        queries.append(len(captured.captured_queries))

    timings_ms.sort()
    p95 = timings_ms[int(0.95 * (len(timings_ms) - 1))]
    print(f"database: {connection.vendor}")
    print(f"autosaves: {len(timings_ms)} (each an update of the same reflection)")
    print(f"median: {statistics.median(timings_ms):.2f} ms")
    print(f"p95: {p95:.2f} ms")
    print(f"queries per save: {min(queries)} to {max(queries)}")
    print(f"final version: {version}")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
