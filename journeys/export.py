"""Everything one person wrote, gathered for download.

The JSON schema is versioned ("schema": "nearer-export", "version": 1) and
documented in the README; a change that breaks readers raises the version.
Each function runs the same handful of queries whatever the amount of data.
"""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.models import CheckIn, Reflection, StageProgress

EXPORT_SCHEMA = "nearer-export"
EXPORT_VERSION = 1


def _when(moment: datetime) -> str:
    return moment.isoformat()


def _gather(user) -> dict:
    return {
        "role": user.profile.role,
        "time_zone": user.profile.time_zone,
        "reflections": list(
            Reflection.objects.for_user(user)
            .select_related("prompt__stage__journey", "share")
            .order_by("prompt__stage__journey__title", "prompt__stage__position", "created", "pk")
        ),
        "progress": list(
            StageProgress.objects.for_user(user)
            .select_related("stage__journey")
            .order_by("stage__journey__title", "stage__position")
        ),
        "check_ins": list(
            CheckIn.objects.for_user(user).select_related("journey").order_by("created", "pk")
        ),
    }


def export_data(user) -> dict:
    """All of one person's data as plain JSON-ready values."""
    data = _gather(user)
    return {
        "schema": EXPORT_SCHEMA,
        "version": EXPORT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "time_zone": data["time_zone"],
        },
        "role": data["role"],
        "reflections": [
            {
                "journey": r.prompt.stage.journey.slug,
                "stage": r.prompt.stage.slug,
                "stage_title": r.prompt.stage.title,
                "prompt_text": r.prompt_text,
                "text": r.text,
                "created": _when(r.created),
                "updated": _when(r.updated),
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
                "updated": _when(p.updated),
            }
            for p in data["progress"]
        ],
        "check_ins": [
            {
                "journey": c.journey.slug,
                "created": _when(c.created),
                "readiness": c.readiness,
                "readiness_words": str(c.get_readiness_display()),
                "note": c.note,
            }
            for c in data["check_ins"]
        ],
    }


def _quoted(text: str) -> str:
    """Text as a Markdown block quote, so it reads as the person's own words."""
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines() or [""])


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d %B %Y, %H:%M")


def export_markdown(user) -> str:
    """All of one person's writing, readable and grouped by stage."""
    data = _gather(user)
    lines = [
        "# " + _("My Nearer journal"),
        "",
        _("Written by %(name)s. Exported on %(date)s.")
        % {"name": user.get_username(), "date": _local(timezone.now())},
        "",
    ]
    statuses = {(p.stage_id): p.get_status_display() for p in data["progress"]}
    by_stage = defaultdict(list)
    for reflection in data["reflections"]:
        by_stage[reflection.prompt.stage].append(reflection)
    if not by_stage:
        lines += [_("There are no reflections yet."), ""]
    for stage, reflections in by_stage.items():
        lines += [f"## {stage.journey.title}: {stage.title}", ""]
        if stage.pk in statuses:
            lines += [_("Status: %(status)s") % {"status": statuses[stage.pk]}, ""]
        for reflection in reflections:
            heading = " ".join(reflection.prompt_text.split())
            lines += [f"### {heading}", "", f"*{_local(reflection.created)}*", ""]
            lines += [_quoted(reflection.text), ""]
    if data["check_ins"]:
        lines += ["## " + _("Check-ins"), ""]
        for check_in in data["check_ins"]:
            lines += [f"- {_local(check_in.created)}: {check_in.get_readiness_display()}"]
            if check_in.note:
                lines += ["", _quoted(check_in.note), ""]
        lines += [""]
    return "\n".join(lines).rstrip() + "\n"
