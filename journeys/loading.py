"""Journey content: read from TOML files, checked by the models, written to the database.

The files under `journeys/content/` are the source of the journey text; editors
may also change it in the admin. Each Journey and Stage remembers a fingerprint
(a hash) of the values the last load wrote. When the values in the database no
longer match that fingerprint, an editor changed them since, and a load leaves
them alone unless asked to overwrite.

Prompts are identified by their place in their stage: the n-th prompt of a
stage in the file is the n-th prompt of that stage in the database. A stage's
fingerprint covers its prompts, and a journey's covers the order of its stages.
"""

import hashlib
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from journeys.models import Journey, Prompt, Stage

# Each table's keys in a content file, and the model field each one fills.
JOURNEY_KEYS = {key: key for key in ["slug", "title", "summary", "intro", "published"]}
STAGE_KEYS = {key: key for key in ["slug", "title", "summary", "body", "published"]}
PROMPT_KEYS = {"text": "text", "help": "help_text", "audience": "audience"}
MAX_PROMPTS = 4


class ContentError(Exception):
    """A content file that cannot be loaded; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StageContent(NamedTuple):
    stage: Stage
    prompts: list[Prompt]


@dataclass
class JourneyContent:
    """One file's journey, its stages and their prompts: unsaved and checked."""

    source: str
    journey: Journey
    stages: list[StageContent]


# --- Reading and checking a file -------------------------------------------


class _Checker:
    """Builds model instances from parsed TOML, noting every problem with its place."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def instance[M: models.Model](
        self, model: type[M], keys: dict[str, str], table: dict, where: str, nested=(), **values
    ) -> M:
        """The table's values in a `model`, checked by the model's own validation.
        `values` fills the fields the file does not give, `nested` names its subtables."""
        # The parent is found or created by the load, after every file is checked.
        unchecked = [f.name for f in model._meta.concrete_fields if f.is_relation]
        for key, value in table.items():
            if key in nested:
                continue
            if key not in keys:
                expected = ", ".join(sorted([*keys, *nested]))
                self.problem(where, f'unknown field "{key}" (expected one of {expected})')
                continue
            name = keys[key]
            wanted = bool if isinstance(model._meta.get_field(name), models.BooleanField) else str
            if isinstance(value, wanted):
                values[name] = value.strip() if wanted is str else value
            else:
                kind = "true or false" if wanted is bool else "text"
                self.problem(f'{where}, field "{key}"', f"must be {kind}, not {value!r}")
                unchecked.append(name)
        instance = model(**values)
        try:
            instance.full_clean(
                exclude=unchecked, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            key_of = {name: key for key, name in keys.items()}
            for name, messages in error.message_dict.items():
                at = "" if name == NON_FIELD_ERRORS else f', field "{key_of.get(name, name)}"'
                for message in messages:
                    self.problem(where + at, message)
        return instance


def parse_content(text: str, source: str) -> JourneyContent:
    """Check the text of one content file; raise ContentError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ContentError([f"{source}: not valid TOML: {error}"]) from None
    check = _Checker(source)
    for key in data.keys() - {"journey", "stages"}:
        check.problem("top level", f'unknown field "{key}" (expected one of journey, stages)')
    if not isinstance(data.get("journey"), dict):
        raise ContentError([f"{source}: top level: the [journey] table is missing"])
    if not isinstance(data.get("stages", []), list):
        raise ContentError([f"{source}: top level: stages must be a list of [[stages]] tables"])

    journey = check.instance(Journey, JOURNEY_KEYS, data["journey"], "[journey]")
    stages: list[StageContent] = []
    for number, table in enumerate(data.get("stages", []), start=1):
        if not isinstance(table, dict):
            check.problem(f"stage {number}", "must be a [[stages]] table")
            continue
        slug = table.get("slug")
        where = f"stage {number} ({slug})" if isinstance(slug, str) and slug else f"stage {number}"
        stage = check.instance(Stage, STAGE_KEYS, table, where, ("prompts",), position=number)
        earlier = [other.position for other, _ in stages if other.slug == stage.slug]
        if stage.slug and earlier:
            check.problem(
                f'{where}, field "slug"',
                f'"{stage.slug}" is already the slug of stage {earlier[0]}',
            )
        stages.append(StageContent(stage, _parse_prompts(check, table.get("prompts", []), where)))
    if check.problems:
        raise ContentError(check.problems)
    return JourneyContent(source, journey, stages)


def _parse_prompts(check: _Checker, tables: object, where: str) -> list[Prompt]:
    if not isinstance(tables, list):
        check.problem(f'{where}, field "prompts"', "must be a list of [[stages.prompts]] tables")
        return []
    if not 1 <= len(tables) <= MAX_PROMPTS:
        check.problem(
            f'{where}, field "prompts"',
            f"has {len(tables)} prompts; a stage needs 1 to {MAX_PROMPTS}",
        )
    prompts = []
    for number, table in enumerate(tables, start=1):
        if isinstance(table, dict):
            place = f"{where}, prompt {number}"
            prompts.append(check.instance(Prompt, PROMPT_KEYS, table, place, position=number))
        else:
            check.problem(f"{where}, prompt {number}", "must be a [[stages.prompts]] table")
    return prompts


def _shown(path: Path) -> str:
    """The path as a person would type it: relative to here when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_content_files(paths: list[Path]) -> list[JourneyContent]:
    """Read and check every file; raise ContentError naming each problem."""
    journeys: list[JourneyContent] = []
    problems: list[str] = []
    for path in paths:
        source = _shown(path)
        try:
            content = parse_content(path.read_text(encoding="utf-8"), source)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{source}: cannot be read: {error}")
            continue
        except ContentError as error:
            problems.extend(error.problems)
            continue
        slug = content.journey.slug
        earlier = [other.source for other in journeys if other.journey.slug == slug]
        if earlier:
            problems.append(
                f'{source}: [journey], field "slug": "{slug}" is already the slug '
                f"of the journey in {earlier[0]}"
            )
        journeys.append(content)
    if problems:
        raise ContentError(problems)
    return journeys


# --- Fingerprints ------------------------------------------------------------


def normalised(value: object) -> object:
    # A browser sends a textarea's line breaks as CRLF and Django strips the
    # ends: saving an untouched form in the admin must not count as an edit.
    if isinstance(value, str):
        return "\n".join(value.splitlines()).strip()
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


def _written(instance: models.Model, keys: dict[str, str]) -> dict:
    """The values a load writes into the instance: all but the slug, which finds it."""
    return {name: getattr(instance, name) for name in keys.values() if name != "slug"}


def _fingerprint(values: dict) -> str:
    # The stored fingerprints were made this way: hashing anything else would
    # make every journey and stage look changed in the admin.
    values = {key: normalised(value) for key, value in values.items()}
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def journey_fingerprint(journey: Journey, stages: list[Stage]) -> str:
    return _fingerprint(_written(journey, JOURNEY_KEYS) | {"stages": [s.slug for s in stages]})


def stage_fingerprint(stage: Stage, prompts: list[Prompt]) -> str:
    prompt_values = [list(_written(prompt, PROMPT_KEYS).values()) for prompt in prompts]
    return _fingerprint(_written(stage, STAGE_KEYS) | {"prompts": prompt_values})


# --- Writing -----------------------------------------------------------------

CREATED, CHANGED, UNCHANGED, SKIPPED = "created", "changed", "unchanged", "skipped"
REPLACED = "replaced"  # changed over an editor's change, as --overwrite asked
SKIP_REASON = "changed in the admin since the last load (use --overwrite to replace)"


@dataclass
class LoadReport:
    """What a load did, as plain lines for people and counts for tests."""

    lines: list[str] = field(default_factory=list)
    stages: Counter = field(default_factory=Counter)
    prompts: Counter = field(default_factory=Counter)

    def say(self, kind: str, slug: str, action: str) -> None:
        self.lines.append(
            {
                CREATED: f"created {kind} {slug}",
                CHANGED: f"changed {kind} {slug}",
                REPLACED: f"changed {kind} {slug} (replaced changes made in the admin)",
                UNCHANGED: f"{kind} {slug} unchanged",
                SKIPPED: f"skipped {kind} {slug}: {SKIP_REASON}",
            }[action]
        )

    def summary(self) -> list[str]:
        stages, prompts = self.stages, self.prompts
        extra = "".join(f", {prompts[a]} {a}" for a in ("removed", "kept") if prompts[a])
        return [
            f"{stages[CREATED]} stages created, {stages[CHANGED]} changed, "
            f"{stages[UNCHANGED]} unchanged, {stages[SKIPPED]} skipped",
            f"{prompts[CREATED]} prompts created, {prompts[CHANGED]} changed, "
            f"{prompts[UNCHANGED]} unchanged{extra}",
        ]


def _action(obj: Journey | Stage, current: str, wanted: str, overwrite: bool) -> str:
    """What a load does to an object the database holds as `current` and the
    file wants as `wanted`."""
    if obj.pk is None:
        return CREATED
    if current == wanted:
        return UNCHANGED
    if current == obj.loaded_fingerprint:
        return CHANGED
    return REPLACED if overwrite else SKIPPED


def _copy(source: models.Model, target: models.Model, keys: dict[str, str]) -> None:
    for name, value in _written(source, keys).items():
        setattr(target, name, value)


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
    journey = Journey.objects.filter(slug=content.journey.slug).first() or content.journey
    existing = list(journey.stages.all()) if journey.pk else []
    in_file = {stage.slug for stage, _ in content.stages}
    # Stages no longer in the file stay, after the file's, for people's words on them.
    left_alone = [stage for stage in existing if stage.slug not in in_file]
    action = _action(
        journey,
        journey_fingerprint(journey, existing),
        journey_fingerprint(content.journey, [s for s, _ in content.stages] + left_alone),
        overwrite,
    )
    report.say("journey", journey.slug, action)
    if action != SKIPPED:
        _copy(content.journey, journey, JOURNEY_KEYS)
        journey.save()

    by_slug = {stage.slug: stage for stage in existing}
    # New stages go after the others until the journey's order is written.
    last = max((stage.position for stage in existing), default=0)
    stages = []
    for wanted, prompts in content.stages:
        wanted.journey = journey
        wanted.position += last
        stage = by_slug.get(wanted.slug, wanted)
        _load_stage(stage, wanted, prompts, overwrite, report)
        stages.append(stage)
    for stage in left_alone:
        report.lines.append(
            f"left stage {stage.slug} alone: it is not in {content.source} "
            "(retire it in the admin to hide it)"
        )

    if action != SKIPPED:
        for position, stage in enumerate(stages + left_alone, start=1):
            if stage.position != position:
                stage.position = position
                stage.save(update_fields=["position"])
        journey.loaded_fingerprint = journey_fingerprint(journey, stages + left_alone)
        journey.save(update_fields=["loaded_fingerprint"])


def _load_stage(
    stage: Stage, wanted: Stage, prompts: list[Prompt], overwrite: bool, report: LoadReport
) -> None:
    """Make the stage and its prompts the file's, unless an editor changed them.
    The n-th prompt in the database becomes the file's n-th; those past the
    file's go, unless people answered them."""
    existing = list(stage.prompts.all()) if stage.pk else []
    beyond = existing[len(prompts) :]
    # Prompts people have answered cannot be removed, so the stage as the
    # file wants it still has them.
    kept = [prompt for prompt in beyond if prompt.reflections.exists()]
    action = _action(
        stage,
        stage_fingerprint(stage, existing),
        stage_fingerprint(wanted, prompts + kept),
        overwrite,
    )
    report.stages[CHANGED if action == REPLACED else action] += 1
    if action != UNCHANGED:
        report.say("stage", stage.slug, action)
    if action == SKIPPED:
        return

    _copy(wanted, stage, STAGE_KEYS)
    stage.save()
    for prompt, new in zip(existing, prompts, strict=False):
        changed = _written(prompt, PROMPT_KEYS) != _written(new, PROMPT_KEYS)
        report.prompts[CHANGED if changed else UNCHANGED] += 1
        _copy(new, prompt, PROMPT_KEYS)
        prompt.position = new.position
        prompt.save()
    for new in prompts[len(existing) :]:
        new.stage = stage
        new.save()
        report.prompts[CREATED] += 1
    for prompt in beyond:
        if prompt not in kept:
            prompt.delete()
            report.prompts["removed"] += 1
    for position, prompt in enumerate(kept, start=len(prompts) + 1):
        report.prompts["kept"] += 1
        report.lines.append(
            f"kept prompt {prompt.position} of stage {stage.slug}: it is no longer in the file, "
            "but people have answered it, so it stays"
        )
        prompt.position = position
        prompt.save(update_fields=["position"])
    stage.loaded_fingerprint = stage_fingerprint(stage, list(stage.prompts.all()))
    stage.save(update_fields=["loaded_fingerprint"])
