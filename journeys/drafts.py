"""Drafts and published versions of a stage.

Once a stage is published, editing it in the admin saves a StageDraft: people
keep seeing the published stage until an editor publishes the draft. Every
publish keeps a StageVersion, which an editor can compare with the one before
and restore as a new draft. Both hold the same `content`, a plain dict of the
stage's text and its prompts:

    {"title", "slug", "summary", "body",
     "prompts": [{"id", "position", "text", "help_text", "audience", "retired"}]}

A prompt's "id" is None until the draft that adds it is published. Content
never holds anything people wrote. Retiring a prompt is immediate (an admin
action), not part of a draft: a draft or restored version shows each prompt's
retirement as it is now.
"""

import difflib

from django.db import transaction
from django.db.models import F

from journeys.models import Audience, Prompt, Stage, StageDraft, StageVersion

STAGE_FIELDS = ["title", "slug", "summary", "body"]
PROMPT_FIELDS = ["position", "text", "help_text", "audience"]


class PublishConflict(Exception):
    """Another editor published the stage since this draft was begun."""


def content_of(stage: Stage) -> dict:
    """The stage as people see it now."""
    content = {name: getattr(stage, name) for name in STAGE_FIELDS}
    content["prompts"] = [prompt_content(p) for p in Prompt.objects.filter(stage=stage)]
    return content


def prompt_content(prompt: Prompt) -> dict:
    return {"id": prompt.pk, "retired": prompt.retired} | {
        name: getattr(prompt, name) for name in PROMPT_FIELDS
    }


def with_retirement_now(stage: Stage, content: dict) -> dict:
    """The content with each prompt retired or not as it is now; a prompt
    that is gone since comes back as a new one."""
    retired = dict(Prompt.objects.filter(stage=stage).values_list("pk", "retired"))
    prompts = []
    for prompt in content["prompts"]:
        known = prompt["id"] in retired
        prompts.append(
            prompt
            | {"id": prompt["id"] if known else None, "retired": retired.get(prompt["id"], False)}
        )
    return content | {"prompts": prompts}


def draft_or_live(stage: Stage) -> dict:
    draft = StageDraft.objects.filter(stage=stage).first()
    return with_retirement_now(stage, draft.content) if draft else content_of(stage)


def edit_token(stage: Stage) -> str:
    """Changes whenever the stage is published or its draft saved: a save
    from a page older than that is refused (see journeys.admin.StageForm)."""
    version = Stage.objects.filter(pk=stage.pk).values_list("version", flat=True).first()
    revision = StageDraft.objects.filter(stage=stage).values_list("revision", flat=True).first()
    return f"{version or 0}.{revision or 0}"


def save_draft(stage: Stage, content: dict, editor) -> StageDraft:
    draft, created = StageDraft.objects.get_or_create(
        stage=stage, defaults={"content": content, "edited_by": editor}
    )
    if not created:
        StageDraft.objects.filter(pk=draft.pk).update(
            content=content, edited_by=editor, revision=F("revision") + 1
        )
    return draft


def discard_draft(stage: Stage) -> None:
    StageDraft.objects.filter(stage=stage).delete()


def restore(version: StageVersion, editor) -> StageDraft:
    """The version as a new draft of its stage, to preview and publish."""
    return save_draft(version.stage, with_retirement_now(version.stage, version.content), editor)


def publish(stage: Stage, content: dict, editor, based_on: int) -> StageVersion:
    """Make the content what people see and keep it as the stage's next
    version; refused if the stage was published since version `based_on`."""
    with transaction.atomic():
        if not Stage.objects.filter(pk=stage.pk, version=based_on).update(version=F("version") + 1):
            raise PublishConflict
        if based_on == 0:
            # The stage as it was before its first publish here, to go back to.
            before = Stage.objects.get(pk=stage.pk)
            StageVersion.objects.create(stage=stage, number=0, content=content_of(before))
        _write(stage, content)
        discard_draft(stage)
        stage.version = based_on + 1
        return StageVersion.objects.create(
            stage=stage, number=stage.version, content=content_of(stage), published_by=editor
        )


def _write(stage: Stage, content: dict) -> None:
    for name in STAGE_FIELDS:
        setattr(stage, name, content[name])
    stage.save(update_fields=STAGE_FIELDS)
    existing = {prompt.pk: prompt for prompt in Prompt.objects.filter(stage=stage)}
    for values in content["prompts"]:
        prompt = existing.pop(values["id"], None) or Prompt(stage=stage)
        for name in PROMPT_FIELDS:
            setattr(prompt, name, values[name])
        prompt.save()
    for prompt in existing.values():
        # Someone may have answered it since the draft left it out.
        if prompt.holds_peoples_data():
            Prompt.objects.filter(pk=prompt.pk).update(retired=True)
        else:
            prompt.delete()


def as_text(content: dict) -> list[str]:
    """The content as lines a person can compare."""
    lines = [f"Title: {content['title']}", f"Slug: {content['slug']}"]
    lines += [f"Summary: {content['summary']}", "", "Introduction:"]
    lines += content["body"].splitlines()
    for prompt in sorted(content["prompts"], key=lambda p: p["position"]):
        retired = ", retired" if prompt.get("retired") else ""
        audience = Audience(prompt["audience"]).label
        lines += ["", f"Question {prompt['position']} ({audience}{retired}):"]
        lines += prompt["text"].splitlines()
        if prompt["help_text"]:
            lines.append(f"Help: {prompt['help_text']}")
    return lines


def difference(before: dict | None, after: dict) -> list[tuple[str, str]]:
    """(kind, line) pairs, kind "added", "removed", "same" or "gap", for
    what changed from `before` to `after` with two lines around each change."""
    old = as_text(before) if before else []
    lines = []
    for line in difflib.unified_diff(old, as_text(after), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "gap"}.get(line[:1], "same")
        lines.append((kind, "…" if kind == "gap" else line[1:]))
    return lines
