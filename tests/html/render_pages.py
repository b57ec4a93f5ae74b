"""Renders every page of Nearer, signed out and signed in, into HTML files.

For the W3C checker (bin/check-html): each page as a person would get it,
from a fresh SQLite database with the real journey loaded and one person
who has written, checked in and marked a stage. Not collected by pytest.

    .venv/bin/python tests/html/render_pages.py OUTPUT_FOLDER
"""

import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def render_every_page(out: Path) -> list[str]:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from journeys.models import CheckIn, Journey, Readiness, Reflection, StageProgress

    call_command("migrate", verbosity=0)
    call_command("load_journeys", stdout=io.StringIO())
    journey = Journey.objects.get()
    stages = list(journey.stages.order_by("position"))
    person = User.objects.create_user("robin", password="a quiet walk by the sea")
    prompt = stages[0].prompts.order_by("position").first()
    reflection = Reflection.objects.create(
        user=person, prompt=prompt, prompt_text=prompt.text, text="Slow mornings are ours now."
    )
    StageProgress.objects.create(user=person, stage=stages[0], status="done")
    CheckIn.objects.create(user=person, journey=journey, readiness=Readiness.PARTLY, note="Better.")

    signed_out = Client(SERVER_NAME="localhost")
    signed_in = Client(SERVER_NAME="localhost")
    signed_in.force_login(person)
    pages = {
        "home-signed-out": (signed_out, "get", reverse("home"), {}),
        "help": (signed_out, "get", reverse("help"), {}),
        "privacy": (signed_out, "get", reverse("privacy"), {}),
        "login": (signed_out, "get", reverse("login"), {}),
        "login-errors": (signed_out, "post", reverse("login"), {"username": "x"}),
        "signup": (signed_out, "get", reverse("signup"), {}),
        "signup-errors": (signed_out, "post", reverse("signup"), {"password1": "short"}),
        "password-reset": (signed_out, "get", reverse("password_reset"), {}),
        "signed-out": (signed_out, "get", reverse("signed_out"), {}),
        "home": (signed_in, "get", reverse("home"), {}),
        "help-signed-in": (signed_in, "get", reverse("help"), {"country": "NZ"}),
        "journey": (signed_in, "get", reverse("journeys:journey", args=[journey.slug]), {}),
        "check-ins": (signed_in, "get", reverse("journeys:check_ins", args=[journey.slug]), {}),
        "reflections": (signed_in, "get", reverse("journeys:reflections"), {}),
        "reflections-search": (signed_in, "get", reverse("journeys:reflections"), {"q": "slow"}),
        "reflection-edit": (
            signed_in,
            "get",
            reverse("journeys:reflection_edit", args=[reflection.pk]),
            {},
        ),
        "reflection-delete": (
            signed_in,
            "get",
            reverse("journeys:reflection_delete", args=[reflection.pk]),
            {},
        ),
        "account": (signed_in, "get", reverse("account"), {}),
        "account-delete": (signed_in, "get", reverse("account_delete"), {}),
        "password-change": (signed_in, "get", reverse("password_change"), {}),
        "summary": (signed_in, "get", reverse("account_summary"), {}),
        "summary-errors": (
            signed_in,
            "post",
            reverse("account_summary"),
            {"period": "none", "paper": "A4", "for_whom": "My GP", "action": "show"},
        ),
        "summary-questions-clear": (
            signed_in,
            "post",
            reverse("account_summary_questions"),
            {
                "period": "none",
                "paper": "A4",
                "questions-TOTAL_FORMS": 2,
                "questions-INITIAL_FORMS": 0,
                "questions-0-text": "Is this normal?",
                "questions-1-text": "Why " + "so " * 200 + "tired?",
                "change": "clear",
            },
        ),
        "summary-to-print": (
            signed_in,
            "post",
            reverse("account_summary"),
            {
                "reflections": [reflection.pk],
                "period": "all",
                "paper": "A4",
                "questions-TOTAL_FORMS": 1,
                "questions-INITIAL_FORMS": 0,
                "questions-0-text": "Is this normal?",
                "for_whom": "My GP",
                "action": "show",
            },
        ),
    }
    for stage in stages:
        address = reverse("journeys:stage", args=[journey.slug, stage.slug])
        pages[f"stage-{stage.position:02d}"] = (signed_in, "get", address, {})

    rendered = []
    for name, (client, method, address, data) in pages.items():
        response = getattr(client, method)(address, data)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {address} answered {response.status_code}")
        (out / f"{name}.html").write_bytes(response.content)
        rendered.append(name)
    return rendered


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="nearer-pages-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/pages.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    rendered = render_every_page(out)
    print(f"Rendered {len(rendered)} pages into {out}")


if __name__ == "__main__":
    main()
