"""How long the care-team summary's PDF takes, and the memory of the process that makes it.

    .venv/bin/python tests/perf/summary_pdf.py            # after bin/setup --dev; about a minute
    .venv/bin/python tests/perf/summary_pdf.py --runs 10

One process, as one app-server worker: the production settings on a fresh
SQLite database, one person with 200 reflections (about 600 characters
each, across every stage) and a check-in every day for a year. Each run
posts the summary form through Django's handler with all 200 reflections,
the whole year of check-ins and 10 questions, and reads the PDF back to
check its pages. It prints the first run (fonts and stylesheet loaded then),
the median and slowest of the others in wall-clock time and in this
process's CPU time, the load average, and the process's peak memory before
and after. On a busy shared machine the wall-clock time counts the other
processes' turns too; the CPU time is what one request costs on an idle
core. It exits non-zero when the median CPU time is 2 s or more or the peak
reaches 200 MB.
"""

import argparse
import io
import os
import resource
import statistics
import sys
import time
from datetime import timedelta

from processes import ROOT, production_env, python, scratch_dir

REFLECTIONS = 200
DAYS_OF_CHECK_INS = 365
TARGET_SECONDS = 2.0
TARGET_MB = 200

PARAGRAPH = (
    "Some mornings I wake up and forget, for a moment, that anything changed. Then I "
    "remember, and I am tired before the day starts. We sat in the garden and did not talk "
    "about the hospital at all; it felt like the first ordinary hour in months. I want to "
    "tell her that I am afraid of being touched near the scar, and that it is not about her. "
    "Maybe next week, when the appointments are over. "
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare() -> None:
    env = production_env(f"sqlite:///{scratch_dir() / 'db.sqlite3'}", NEARER_LOG_LEVEL="WARNING")
    for args in (["migrate"], ["collectstatic", "--no-input"], ["load_journeys"]):
        python("manage.py", *args, "--verbosity", "0", env=env, what=f"manage.py {args[0]}")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))


def seed():
    from django.contrib.auth.models import User
    from django.utils import timezone

    from journeys.models import CheckIn, Journey, Prompt, Reflection

    user = User.objects.create_user("river", password="a quiet walk by the sea")
    prompts = list(Prompt.objects.all())
    now = timezone.now()
    Reflection.objects.bulk_create(
        Reflection(
            user=user,
            prompt=prompts[n % len(prompts)],
            prompt_text=prompts[n % len(prompts)].text,
            text=f"{n}. {PARAGRAPH}",
            created=now - timedelta(hours=n * 20),
        )
        for n in range(REFLECTIONS)
    )
    journey = Journey.objects.get()
    CheckIn.objects.bulk_create(
        CheckIn(
            user=user,
            journey=journey,
            readiness=1 + (day // 7) % 5,
            note="A slow day." if day % 9 == 0 else "",
            created=now - timedelta(days=day),
        )
        for day in range(DAYS_OF_CHECK_INS)
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6, help="PDFs to make (6)")
    args = parser.parse_args()

    prepare()
    import django

    django.setup()
    from django.test import Client
    from pypdf import PdfReader

    from journeys.models import Reflection

    user = seed()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/account/summary/")
    form = {
        "reflections": list(Reflection.objects.for_user(user).values_list("pk", flat=True)),
        "period": "12m",
        "questions-TOTAL_FORMS": 10,
        "questions-INITIAL_FORMS": 0,
        **{f"questions-{n}-text": f"Question {n}: is this tiredness expected?" for n in range(10)},
        "for_whom": "Dr Okafor",
        "paper": "A4",
        "action": "pdf",
    }
    before = peak_mb()
    times, cpu_times = [], []
    for _run in range(args.runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.post("/account/summary/", form)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise SystemExit(f"The summary answered {response.status_code}")
    after = peak_mb()
    pages = len(PdfReader(io.BytesIO(response.content)).pages)

    rest, cpu_rest = times[1:] or times, cpu_times[1:] or cpu_times
    median, cpu_median = statistics.median(rest), statistics.median(cpu_rest)
    print(
        f"{REFLECTIONS} reflections, {DAYS_OF_CHECK_INS} check-ins: a PDF of {pages} pages, "
        f"{len(response.content) / 1024:.0f} KB"
    )
    print(
        f"wall-clock time: first {times[0]:.2f} s, then median {median:.2f} s, "
        f"slowest {max(rest):.2f} s over {len(rest)} runs"
    )
    print(
        f"CPU time: first {cpu_times[0]:.2f} s, then median {cpu_median:.2f} s, "
        f"slowest {max(cpu_rest):.2f} s (target < {TARGET_SECONDS:.0f} s)"
    )
    print("load average over 1, 5 and 15 minutes: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    print(
        f"memory: peak {after:.0f} MB for the process (target < {TARGET_MB} MB); "
        f"{before:.0f} MB before the first PDF"
    )
    if cpu_median >= TARGET_SECONDS or after >= TARGET_MB:
        raise SystemExit("A target was missed.")


if __name__ == "__main__":
    main()
