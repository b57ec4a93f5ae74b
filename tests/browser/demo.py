"""A plausible person with a few weeks of Nearer behind them.

Shared by the accessibility and layout tests and by the screenshot script
(tests/perf/screenshots.py), so every page is looked at with real-looking
content in it: reflections on several stages, stages in each status, and
check-ins that move up and down over time.
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from journeys.models import (
    CheckIn,
    Journey,
    Profile,
    ProgressStatus,
    Prompt,
    Reflection,
    Role,
    StageProgress,
)

DEMO_PASSWORD = "a quiet walk by the sea"
JOURNEY_SLUG = "finding-each-other-again"
STAGE_SLUG = "accepting-what-changed"

# (stage position, prompt position, days ago, hour of the day, text)
REFLECTIONS = [
    (
        1,
        1,
        27,
        21,
        "That I can't just get up and go any more. Everything needs planning now, "
        "even a walk to the shops.\n\nWriting it down makes it smaller, somehow.",
    ),
    (
        1,
        4,
        26,
        10,
        "We used to read the Sunday paper in bed, legs tangled. Maybe we can do "
        "that again, just with more pillows and less hurry.",
    ),
    (
        1,
        1,
        12,
        22,
        "Less than before. The tiredness is still hard, but I'm starting to see "
        "it as weather, not as who I am.",
    ),
    (
        2,
        1,
        20,
        19,
        "I think Sam was terrified and kept making tea so I wouldn't see it. "
        "I saw it anyway. I wish I'd said so.",
    ),
    (
        2,
        4,
        9,
        20,
        "Last Tuesday, when Sam put the phone away and just let me talk about the "
        "scan, without trying to fix anything.",
    ),
    (
        3,
        1,
        4,
        21,
        "That I miss being touched, and that I'm scared of it at the same time. "
        "I haven't found the words yet. Maybe these are the words.",
    ),
    (
        6,
        1,
        1,
        18,
        "A note in my coat pocket: 'Proud of you for today.' I have kept it.",
    ),
]

# (days ago, readiness 1 to 5, note)
CHECK_INS = [
    (34, 1, "Too tired to think about any of it."),
    (27, 2, ""),
    (20, 2, "A better week. We watched a film under one blanket."),
    (13, 3, ""),
    (9, 2, "Bad news from the clinic. Not today."),
    (4, 3, "We talked properly for the first time in a while."),
    (1, 4, "Lighter. Holding hands on the walk home."),
]

STATUSES = {
    1: ProgressStatus.DONE,
    2: ProgressStatus.DONE,
    3: ProgressStatus.IN_PROGRESS,
    4: ProgressStatus.NOT_READY,
    6: ProgressStatus.IN_PROGRESS,
}


def _at(now: datetime, days_ago: int, hour: int) -> datetime:
    local = timezone.localtime(now) - timedelta(days=days_ago)
    return local.replace(hour=hour, minute=(days_ago * 7) % 60, second=0, microsecond=0)


def seed_demo_person(journey: Journey, username: str = "maya", role: str = Role.RECOVERING) -> User:
    """Creates `username` with reflections, stage statuses and check-ins."""
    user = User.objects.create_user(username, password=DEMO_PASSWORD)
    Profile.objects.filter(user=user).update(role=role)
    now = timezone.now()
    prompts = {
        (prompt.stage.position, prompt.position): prompt
        for prompt in Prompt.objects.filter(stage__journey=journey).select_related("stage")
    }
    for stage_position, prompt_position, days_ago, hour, text in REFLECTIONS:
        prompt = prompts[(stage_position, prompt_position)]
        Reflection.objects.create(
            user=user,
            prompt=prompt,
            prompt_text=prompt.text,
            text=text,
            created=_at(now, days_ago, hour),
        )
    for position, status in STATUSES.items():
        stage = journey.stages.get(position=position)
        StageProgress.objects.create(user=user, stage=stage, status=status)
    for days_ago, readiness, note in CHECK_INS:
        CheckIn.objects.create(
            user=user,
            journey=journey,
            readiness=readiness,
            note=note,
            created=_at(now, days_ago, 20),
        )
    return user


def session_cookie(user: User, url: str) -> dict:
    """A signed-in session for `user`, as a cookie a browser context can take."""
    from django.conf import settings

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }
