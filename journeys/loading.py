"""Journey content: read from TOML files, checked, and written to the database.

The files under `journeys/content/` are the source of the journey text; editors
may also change it in the admin. Each Journey and Stage remembers a fingerprint
(a hash) of the values the last load wrote. When the values in the database no
longer match that fingerprint, an editor changed them since, and a load leaves
them alone unless asked to overwrite.

Prompts are identified by their place in their stage: the n-th prompt of a
stage in the file is the n-th prompt of that stage in the database. A stage's
fingerprint covers its prompts, and a journey's covers the order of its stages.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.validators import slug_re
from django.db import models, transaction

from journeys.models import Audience, Journey, Prompt, Stage

MAX_PROMPTS = 4
AUDIENCES = [choice.value for choice in Audience]


class ContentError(Exception):
    """A content file that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


# --- Reading and checking a file -------------------------------------------


@dataclass(frozen=True)
class PromptContent:
    text: str
    help_text: str = ""
    audience: str = Audience.EVERYONE.value

    def values(self) -> list[str]:
        return [self.text, self.help_text, self.audience]


@dataclass(frozen=True)
class StageContent:
    slug: str
    title: str
    summary: str = ""
    body: str = ""
    published: bool = False
    prompts: tuple[PromptContent, ...] = ()


@dataclass(frozen=True)
class JourneyContent:
    source: str
    slug: str
    title: str
    summary: str = ""
    intro: str = ""
    published: bool = False
    stages: tuple[StageContent, ...] = ()


class _Checker:
    """Reads values out of parsed TOML, noting every problem with its place."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def unknown_keys(self, table: dict, known: set[str], where: str) -> None:
        for key in table:
            if key not in known:
                self.problem(
                    where, f'unknown field "{key}" (expected one of {", ".join(sorted(known))})'
                )

    def text(
        self,
        table: dict,
        key: str,
        where: str,
        *,
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            self.problem(f'{where}, field "{key}"', f"must be text, not {type(value).__name__}")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(f'{where}, field "{key}"', "is missing or empty")
        if max_length is not None and len(value) > max_length:
            self.problem(
                f'{where}, field "{key}"',
                f"is {len(value)} characters long; the most allowed is {max_length}",
            )
        return value

    def slug(self, table: dict, where: str) -> str:
        value = self.text(table, "slug", where, required=True, max_length=50)
        if value and not slug_re.match(value):
            self.problem(
                f'{where}, field "slug"',
                f'"{value}" is not a slug (use letters, numbers, hyphens or underscores)',
            )
        return value

    def flag(self, table: dict, key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.problem(f'{where}, field "{key}"', f"must be true or false, not {value!r}")
            return False
        return value


JOURNEY_KEYS = {"slug", "title", "summary", "intro", "published"}
STAGE_KEYS = {"slug", "title", "summary", "body", "published", "prompts"}
PROMPT_KEYS = {"text", "help", "audience"}


def parse_content(text: str, source: str) -> JourneyContent:
    """Check the text of one content file; raise ContentError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError([f"{source}: not valid TOML: {error}"]) from None

    check = _Checker(source)
    check.unknown_keys(data, {"journey", "stages"}, "top level")
    journey = data.get("journey")
    if not isinstance(journey, dict):
        raise ContentError([f"{source}: top level: the [journey] table is missing"])
    check.unknown_keys(journey, JOURNEY_KEYS, "[journey]")
    raw_stages = data.get("stages", [])
    if not isinstance(raw_stages, list):
        raise ContentError([f"{source}: top level: stages must be a list of [[stages]] tables"])

    stages = []
    first_with_slug: dict[str, int] = {}
    for number, raw in enumerate(raw_stages, start=1):
        stage = _parse_stage(check, raw, number)
        if stage.slug in first_with_slug:
            check.problem(
                f'stage {number} ({stage.slug}), field "slug"',
                f'"{stage.slug}" is already the slug of stage {first_with_slug[stage.slug]}',
            )
        elif stage.slug:
            first_with_slug[stage.slug] = number
        stages.append(stage)

    content = JourneyContent(
        source=source,
        slug=check.slug(journey, "[journey]"),
        title=check.text(journey, "title", "[journey]", required=True, max_length=200),
        summary=check.text(journey, "summary", "[journey]", max_length=300),
        intro=check.text(journey, "intro", "[journey]"),
        published=check.flag(journey, "published", "[journey]"),
        stages=tuple(stages),
    )
    if check.problems:
        raise ContentError(check.problems)
    return content


def _parse_stage(check: _Checker, raw: Any, number: int) -> StageContent:
    if not isinstance(raw, dict):
        check.problem(f"stage {number}", "must be a [[stages]] table")
        return StageContent(slug="", title="")
    slug = raw.get("slug") if isinstance(raw.get("slug"), str) else ""
    where = f"stage {number} ({slug})" if slug else f"stage {number}"
    check.unknown_keys(raw, STAGE_KEYS, where)

    raw_prompts = raw.get("prompts", [])
    if not isinstance(raw_prompts, list):
        check.problem(f'{where}, field "prompts"', "must be a list of [[stages.prompts]] tables")
        raw_prompts = []
    if not 1 <= len(raw_prompts) <= MAX_PROMPTS:
        check.problem(
            f'{where}, field "prompts"',
            f"has {len(raw_prompts)} prompts; a stage needs 1 to {MAX_PROMPTS}",
        )
    prompts = []
    for prompt_number, raw_prompt in enumerate(raw_prompts, start=1):
        prompt_where = f"{where}, prompt {prompt_number}"
        if not isinstance(raw_prompt, dict):
            check.problem(prompt_where, "must be a [[stages.prompts]] table")
            continue
        check.unknown_keys(raw_prompt, PROMPT_KEYS, prompt_where)
        audience = check.text(raw_prompt, "audience", prompt_where) or Audience.EVERYONE.value
        if audience not in AUDIENCES:
            check.problem(
                f'{prompt_where}, field "audience"',
                f'"{audience}" is not an audience (use {", ".join(AUDIENCES)})',
            )
        prompts.append(
            PromptContent(
                text=check.text(raw_prompt, "text", prompt_where, required=True),
                help_text=check.text(raw_prompt, "help", prompt_where, max_length=500),
                audience=audience,
            )
        )

    return StageContent(
        slug=check.slug(raw, where),
        title=check.text(raw, "title", where, required=True, max_length=200),
        summary=check.text(raw, "summary", where, max_length=300),
        body=check.text(raw, "body", where),
        published=check.flag(raw, "published", where),
        prompts=tuple(prompts),
    )


def _shown(path: Path) -> str:
    """The path as a person would type it: relative to here when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_content_files(paths: list[Path]) -> list[JourneyContent]:
    """Read and check every file; raise ContentError naming each problem."""
    journeys, problems = [], []
    first_source: dict[str, str] = {}
    for path in paths:
        source = _shown(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{source}: cannot be read: {error}")
            continue
        try:
            content = parse_content(text, source)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        if content.slug in first_source:
            problems.append(
                f'{source}: [journey], field "slug": "{content.slug}" is already the slug '
                f"of the journey in {first_source[content.slug]}"
            )
            continue
        first_source[content.slug] = source
        journeys.append(content)
    if problems:
        raise ContentError(problems)
    return journeys


# --- Fingerprints ------------------------------------------------------------


def _normalised(value: Any) -> Any:
    # A browser sends a textarea's line breaks as CRLF and Django strips the
    # ends: saving an untouched form in the admin must not count as an edit.
    if isinstance(value, str):
        return "\n".join(value.splitlines()).strip()
    if isinstance(value, list | tuple):
        return [_normalised(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    return value


def fingerprint(values: dict) -> str:
    canonical = json.dumps(_normalised(values), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def journey_values(journey: Journey | JourneyContent, stage_order: list[str]) -> dict:
    return {
        "title": journey.title,
        "summary": journey.summary,
        "intro": journey.intro,
        "published": journey.published,
        "stages": stage_order,
    }


def stage_values(stage: Stage | StageContent, prompts: list[list[str]]) -> dict:
    return {
        "title": stage.title,
        "summary": stage.summary,
        "body": stage.body,
        "published": stage.published,
        "prompts": prompts,
    }


def prompt_values(prompt: Prompt) -> list[str]:
    return [prompt.text, prompt.help_text, prompt.audience]


def stored_stage_fingerprint(stage: Stage) -> str:
    """The fingerprint of the stage and its prompts as they are in the database now."""
    prompts = [prompt_values(prompt) for prompt in stage.prompts.order_by("position")]
    return fingerprint(stage_values(stage, prompts))


# --- Writing -----------------------------------------------------------------

CREATED, CHANGED, UNCHANGED, SKIPPED = "created", "changed", "unchanged", "skipped"
SKIP_REASON = "changed in the admin since the last load (use --overwrite to replace)"


@dataclass
class LoadReport:
    """What a load did, as plain lines for people and counts for tests."""

    lines: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def count(self, kind: str, action: str) -> None:
        self.counts[kind, action] += 1

    def summary(self) -> list[str]:
        def line(kind: str, actions: tuple[str, ...]) -> str:
            first, *rest = actions
            counts = [f"{self.counts[kind, first]} {kind}s {first}"]
            counts += [f"{self.counts[kind, action]} {action}" for action in rest]
            return ", ".join(counts)

        prompt_actions = (CREATED, CHANGED, UNCHANGED)
        prompt_actions += tuple(a for a in ("removed", "kept") if self.counts["prompt", a])
        return [
            line("stage", (CREATED, CHANGED, UNCHANGED, SKIPPED)),
            line("prompt", prompt_actions),
        ]


def _decide(current: str, desired: str, stored: str, overwrite: bool) -> str:
    if current == desired:
        return UNCHANGED
    if current != stored and not overwrite:
        return SKIPPED
    return CHANGED


def _move_to_positions(model: type[models.Model], targets: list[tuple[Any, int]]) -> None:
    """Give each row its target position without two rows ever sharing one.

    `targets` covers every row of one journey (or stage), so parking the rows
    that move above all current and target positions first leaves the unique
    (parent, position) constraint intact at every step.
    """
    moving = [(row, target) for row, target in targets if row.position != target]
    if not moving:
        return
    free = max(max(row.position for row, _ in targets), max(t for _, t in targets)) + 1
    for offset, (row, _) in enumerate(moving):
        model.objects.filter(pk=row.pk).update(position=free + offset)
    for row, target in moving:
        model.objects.filter(pk=row.pk).update(position=target)
        row.position = target


def load_journeys(
    journeys: list[JourneyContent], *, overwrite: bool = False, dry_run: bool = False
) -> LoadReport:
    """Write checked content to the database in one transaction.

    With `dry_run` everything is done and then rolled back, so the report
    says exactly what a real load would do.
    """
    report = LoadReport()
    with transaction.atomic():
        for content in journeys:
            _load_journey(content, overwrite, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _load_journey(content: JourneyContent, overwrite: bool, report: LoadReport) -> None:
    # The journey's own line goes first, though it is only known at the end.
    first_line = len(report.lines)
    journey = Journey.objects.filter(slug=content.slug).first()
    if journey is None:
        journey = Journey.objects.create(
            slug=content.slug,
            title=content.title,
            summary=content.summary,
            intro=content.intro,
            published=content.published,
        )
        action = CREATED
        existing: list[Stage] = []
        replacing = False
    else:
        existing = list(journey.stages.order_by("position"))
        file_slugs = {stage.slug for stage in content.stages}
        desired_order = [stage.slug for stage in content.stages] + [
            stage.slug for stage in existing if stage.slug not in file_slugs
        ]
        current = fingerprint(journey_values(journey, [stage.slug for stage in existing]))
        desired = fingerprint(journey_values(content, desired_order))
        action = _decide(current, desired, journey.loaded_fingerprint, overwrite)
        replacing = action == CHANGED and current != journey.loaded_fingerprint
    if action == CHANGED:
        journey.title = content.title
        journey.summary = content.summary
        journey.intro = content.intro
        journey.published = content.published
        journey.save()

    by_slug = {stage.slug: stage for stage in existing}
    next_free = max((stage.position for stage in existing), default=0) + 1
    ordered: list[Stage] = []
    for stage_content in content.stages:
        stage = by_slug.get(stage_content.slug)
        if stage is None:
            stage = Stage.objects.create(
                journey=journey, position=next_free, slug=stage_content.slug, title=""
            )
            next_free += 1
            _load_stage(stage, stage_content, CREATED, report)
            if action != CREATED:
                report.lines.append(f"created stage {stage.slug}")
        else:
            _update_stage(stage, stage_content, overwrite, report)
        ordered.append(stage)

    if action == SKIPPED:
        report.lines.insert(first_line, f"skipped journey {journey.slug}: {SKIP_REASON}")
    else:
        extras = [stage for stage in existing if stage not in ordered]
        for stage in extras:
            report.lines.append(
                f"left stage {stage.slug} alone: it is not in {content.source} "
                "(unpublish it in the admin to hide it)"
            )
        _move_to_positions(Stage, [(s, n) for n, s in enumerate(ordered + extras, start=1)])
        loaded = fingerprint(journey_values(journey, [s.slug for s in ordered + extras]))
        if journey.loaded_fingerprint != loaded:
            journey.loaded_fingerprint = loaded
            journey.save(update_fields=["loaded_fingerprint"])
        if action == CREATED:
            line = f"created journey {journey.slug}"
        elif action == CHANGED:
            note = " (replaced changes made in the admin)" if replacing else ""
            line = f"changed journey {journey.slug}{note}"
        else:
            line = f"journey {journey.slug} unchanged"
        report.lines.insert(first_line, line)


def _update_stage(stage: Stage, content: StageContent, overwrite: bool, report: LoadReport) -> None:
    existing = list(stage.prompts.order_by("position"))
    current = fingerprint(stage_values(stage, [prompt_values(p) for p in existing]))
    # Prompts past the file's that people have answered cannot be removed,
    # so the stage as the file wants it still has them.
    kept = _answered(existing[len(content.prompts) :])
    desired = fingerprint(
        stage_values(
            content, [p.values() for p in content.prompts] + [prompt_values(p) for p in kept]
        )
    )
    action = _decide(current, desired, stage.loaded_fingerprint, overwrite)
    if action == SKIPPED:
        report.count("stage", SKIPPED)
        report.lines.append(f"skipped stage {stage.slug}: {SKIP_REASON}")
        return
    if action == UNCHANGED:
        report.count("stage", UNCHANGED)
        report.counts["prompt", UNCHANGED] += len(existing) - len(kept)
        _report_kept(stage, kept, report)
        if stage.loaded_fingerprint != current:
            stage.loaded_fingerprint = current
            stage.save(update_fields=["loaded_fingerprint"])
        return
    note = " (replaced changes made in the admin)" if current != stage.loaded_fingerprint else ""
    report.lines.append(f"changed stage {stage.slug}{note}")
    _load_stage(stage, content, CHANGED, report)


def _answered(prompts: list[Prompt]) -> list[Prompt]:
    if not prompts:
        return []
    answered = set(
        Prompt.objects.filter(pk__in=[p.pk for p in prompts], reflections__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    return [prompt for prompt in prompts if prompt.pk in answered]


def _report_kept(stage: Stage, kept: list[Prompt], report: LoadReport) -> None:
    for prompt in kept:
        report.count("prompt", "kept")
        report.lines.append(
            f"kept prompt {prompt.position} of stage {stage.slug}: it is no longer in the file, "
            "but people have answered it, so it stays"
        )


def _load_stage(stage: Stage, content: StageContent, action: str, report: LoadReport) -> None:
    stage.title = content.title
    stage.summary = content.summary
    stage.body = content.body
    stage.published = content.published
    stage.save()
    report.count("stage", action)

    existing = list(stage.prompts.order_by("position"))
    matched = existing[: len(content.prompts)]
    beyond = existing[len(content.prompts) :]
    kept = _answered(beyond)
    for prompt in beyond:
        if prompt not in kept:
            prompt.delete()
            report.count("prompt", "removed")
    _report_kept(stage, kept, report)

    _move_to_positions(Prompt, [(p, n) for n, p in enumerate(matched + kept, start=1)])
    for prompt, prompt_content in zip(matched, content.prompts, strict=False):
        if prompt_values(prompt) == prompt_content.values():
            report.count("prompt", UNCHANGED)
            continue
        prompt.text = prompt_content.text
        prompt.help_text = prompt_content.help_text
        prompt.audience = prompt_content.audience
        prompt.save(update_fields=["text", "help_text", "audience"])
        report.count("prompt", CHANGED)
    # New prompts take the places after the matched ones; answered prompts
    # past the file's were only kept when there were more prompts than that.
    for position, prompt_content in enumerate(
        content.prompts[len(matched) :], start=len(matched) + 1
    ):
        Prompt.objects.create(
            stage=stage,
            position=position,
            text=prompt_content.text,
            help_text=prompt_content.help_text,
            audience=prompt_content.audience,
        )
        report.count("prompt", CREATED)

    stage.loaded_fingerprint = stored_stage_fingerprint(stage)
    stage.save(update_fields=["loaded_fingerprint"])
