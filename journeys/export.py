"""Everything one person wrote, gathered for download.

The JSON schema is versioned ("schema": "nearer-export", "version": 1) and
documented in the README; a change that breaks readers raises the version.
Each function runs the same handful of queries whatever the amount of data.
"""

from datetime import datetime
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.models import CareQuestion, CheckIn, ProgressStatus, Reflection, StageProgress

EXPORT_SCHEMA = "nearer-export"
EXPORT_VERSION = 1


def _gather(user) -> dict:
    return {
        "reflections": list(
            Reflection.objects.for_user(user).in_journey_order().select_related("share")
        ),
        "progress": list(
            StageProgress.objects.for_user(user)
            .select_related("stage__journey")
            .order_by("stage__journey__title", "stage__position")
        ),
        "check_ins": list(
            CheckIn.objects.for_user(user).select_related("journey").order_by("created", "pk")
        ),
        "care_questions": list(CareQuestion.objects.for_user(user).values_list("text", flat=True)),
    }


def export_data(user) -> dict:
    """All of one person's data as plain JSON-ready values."""
    data = _gather(user)
    return {
        "schema": EXPORT_SCHEMA,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "time_zone": user.profile.time_zone,
        },
        "role": user.profile.role,
        "reflections": [
            {
                "journey": r.prompt.stage.journey.slug,
                "stage": r.prompt.stage.slug,
                "stage_title": r.prompt.stage.title,
                "prompt_text": r.prompt_text,
                "text": r.text,
                "created": r.created.isoformat(),
                "updated": r.updated.isoformat(),
                "shared_with_partner": hasattr(r, "share"),
            }
            for r in data["reflections"]
        ],
        "stage_progress": [
            {
                "journey": p.stage.journey.slug,
                "stage": p.stage.slug,
                "stage_title": p.stage.title,
                "status": p.status,
                "updated": p.updated.isoformat(),
            }
            for p in data["progress"]
        ],
        "check_ins": [
            {
                "journey": c.journey.slug,
                "created": c.created.isoformat(),
                "readiness": c.readiness,
                "readiness_words": str(c.get_readiness_display()),
                "note": c.note,
            }
            for c in data["check_ins"]
        ],
        "care_questions": data["care_questions"],
    }


def _quoted(text: str) -> str:
    """Text as a Markdown block quote, so it reads as the person's own words."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines() or [""])


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d %B %Y, %H:%M")


def export_markdown(user) -> str:
    """All of one person's writing, readable anywhere: by stage, each
    question once with what was written under it, the stages marked not
    ready yet, the check-ins and the questions for the care team."""
    data = _gather(user)
    lines = [
        "# " + _("My Nearer journal"),
        "",
        _("Written by %(name)s. Exported on %(date)s.")
        % {"name": user.get_username(), "date": _local(timezone.now())},
        "",
    ]
    progress = {p.stage_id: p for p in data["progress"]}
    by_stage = {
        stage: list(reflections)
        for stage, reflections in groupby(
            data["reflections"], key=lambda reflection: reflection.prompt.stage
        )
    }
    not_ready = [p.stage for p in data["progress"] if p.status == ProgressStatus.NOT_READY]
    stages = sorted(
        set(by_stage) | set(not_ready), key=lambda stage: (stage.journey.title, stage.position)
    )
    if not stages:
        lines += [_("There are no reflections yet."), ""]
    for stage in stages:
        lines += [f"## {stage.journey.title}: {stage.title}", ""]
        if stage.pk in progress:
            status = progress[stage.pk].get_status_display()
            lines += [_("Status: %(status)s") % {"status": status}, ""]
        reflections = by_stage.get(stage, [])
        for question, answers in groupby(reflections, key=lambda r: r.prompt_text):
            lines += ["### " + " ".join(question.split()), ""]
            for reflection in answers:
                lines += [f"*{_local(reflection.created)}*", "", _quoted(reflection.text), ""]
    if data["check_ins"]:
        lines += ["## " + _("Check-ins"), ""]
        for check_in in data["check_ins"]:
            lines += [f"- {_local(check_in.created)}: {check_in.get_readiness_display()}"]
            if check_in.note:
                lines += ["", _quoted(check_in.note), ""]
        lines += [""]
    if data["care_questions"]:
        lines += ["## " + _("Questions for my care team"), ""]
        lines += [f"{n}. {question}" for n, question in enumerate(data["care_questions"], 1)]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"
