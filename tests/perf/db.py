"""The perf scripts' helpers that need Django, run in a child process.

    python -m tests.perf.db seed --people 100 --reflections 0
    python -m tests.perf.db reflections --prefix writer
    python -m tests.perf.db hasher --user reader-1

Each prints JSON. The scripts call it through `harness.Run.in_django()`,
with the run's production environment, so the load process never imports
Django (it runs under gevent) and one script can use two databases in turn.
"""

import argparse
import json
import os
import sys
from datetime import timedelta
from itertools import cycle

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.perf.settings")
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from journeys.models import (  # noqa: E402
    Audience,
    CheckIn,
    Journey,
    Partnership,
    Profile,
    Prompt,
    Reflection,
    Role,
    Share,
)

PASSWORD = "a quiet walk by the sea, slowly"


def seed(
    people: int, reflections: int, prefix: str, check_ins: int = 0, partners: bool = False
) -> dict:
    """People who share one password (hashed once), each with `reflections`
    notes and `check_ins` check-ins, a day apart; with `partners`, linked in
    pairs, each sharing every reflection with the other."""
    password = make_password(PASSWORD)
    roles = cycle([Role.NOT_SAID, Role.RECOVERING, Role.PARTNER])
    usernames = [f"{prefix}-{n}" for n in range(1, people + 1)]
    # Everyone's prompts, so whatever the role, every note is on a prompt the person sees.
    everyones = Prompt.objects.filter(stage__published=True, audience=Audience.EVERYONE)
    prompts = list(everyones.select_related("stage"))
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=name, password=password) for name in usernames]
        )
        Profile.objects.bulk_create([Profile(user=user, role=next(roles)) for user in users])
        notes = [
            Reflection(
                user=user,
                prompt=prompt,
                prompt_text=prompt.text,
                text=f"Reflection {n} of {user.username}: we talked in the kitchen for a while.",
            )
            for user in users
            for n, prompt in zip(range(reflections), cycle(prompts))
        ]
        Reflection.objects.bulk_create(notes, batch_size=500)
        journey = Journey.objects.published().first()
        now = timezone.now()
        moments = [
            CheckIn(
                user=user,
                journey=journey,
                created=now - timedelta(days=n),
                readiness=1 + n % 5,
                note="A quiet evening together.",
            )
            for user in users
            for n in range(check_ins)
        ]
        CheckIn.objects.bulk_create(moments, batch_size=500)
        if partners:
            # With an odd number, the last person stays alone, as many do.
            pairs = list(zip(users[::2], users[1::2], strict=False))
            Partnership.objects.bulk_create(
                [Partnership(user=a, partner=b) for a, b in pairs]
                + [Partnership(user=b, partner=a) for a, b in pairs]
            )
            Share.objects.bulk_create([Share(reflection=note) for note in notes], batch_size=500)
    return {
        "usernames": usernames,
        "reflections": len(notes),
        "check_ins": len(moments),
        "people": [addresses(user) for user in users] if reflections else [],
    }


def addresses(user: User) -> dict:
    """Where this person reads and writes: their journey, a stage they wrote in,
    its check-ins, and the autosave address of their reflection there, with
    the id and version the stage page's box holds."""
    note = (
        Reflection.objects.for_user(user)
        .select_related("prompt__stage__journey")
        .order_by("-pk")
        .first()
    )
    prompt = note.prompt
    stage, journey = prompt.stage.slug, prompt.stage.journey.slug
    return {
        "username": user.username,
        "journey": reverse("journeys:journey", args=[journey]),
        "stage": reverse("journeys:stage", args=[journey, stage]),
        "check_ins": reverse("journeys:check_ins", args=[journey]),
        "save": reverse("journeys:save_reflection", args=[journey, stage, prompt.pk]),
        "reflection": note.pk,
        "version": note.version,
    }


def reflections(prefix: str) -> dict:
    """Every reflection of the people whose username starts with `prefix`."""
    found: dict[str, list[dict]] = {}
    rows = Reflection.objects.filter(user__username__startswith=prefix).select_related("user")
    for note in rows.order_by("pk"):
        found.setdefault(note.user.username, []).append(
            {"id": note.pk, "prompt": note.prompt_id, "text": note.text, "version": note.version}
        )
    return {"reflections": found}


def hasher(username: str) -> dict:
    """The algorithm and cost parameters of a stored password, without the hash."""
    encoded = User.objects.get(username=username).password
    return {"params": "$".join(encoded.split("$")[:4])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed")
    seeding.add_argument("--people", type=int, required=True)
    seeding.add_argument("--reflections", type=int, default=0)
    seeding.add_argument("--prefix", default="reader")
    seeding.add_argument("--check-ins", type=int, default=0)
    seeding.add_argument("--partners", action="store_true")
    listing = commands.add_parser("reflections")
    listing.add_argument("--prefix", required=True)
    hashing = commands.add_parser("hasher")
    hashing.add_argument("--user", required=True)
    args = parser.parse_args()
    if args.command == "seed":
        result = seed(args.people, args.reflections, args.prefix, args.check_ins, args.partners)
    elif args.command == "reflections":
        result = reflections(args.prefix)
    else:
        result = hasher(args.user)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
