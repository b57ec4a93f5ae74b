"""Journey content from the database back to the TOML shape journeys.loading reads.

So what editors published in the admin can be kept in the repository: the
file a dump writes loads again as "unchanged". Drafts are not written, only
what people see; nor is retirement, which stays in the database.
"""

import json

from journeys.loading import JOURNEY_KEYS, PROMPT_KEYS, STAGE_KEYS, normalised
from journeys.models import Journey

HEADER = """\
# The guided journey of Nearer, loaded by a management command.
# Written by manage.py dump_journeys from what editors published in the admin.
"""
RULE = "\n# " + "-" * 75 + "\n"


def _string(value: str) -> str:
    text = normalised(value)
    if "\n" not in text:
        # A JSON string is a TOML basic string: the same quotes and escapes.
        return json.dumps(text, ensure_ascii=False)
    escaped = text.replace("\\", "\\\\").replace('"""', '""\\"')
    return f'"""\n{escaped}\n"""'


def _table(header: str, instance, keys: dict[str, str]) -> str:
    short, long = [header], []
    for key, name in keys.items():
        value = getattr(instance, name)
        if isinstance(value, bool):
            short.append(f"{key} = {'true' if value else 'false'}")
        elif value:
            # Long texts last, as people write the files.
            (long if "\n" in value.strip() else short).append(f"{key} = {_string(value)}")
    return "\n".join(short + long) + "\n"


def journey_as_toml(journey: Journey) -> str:
    """The journey, all its stages in order and their prompts, as a content file."""
    parts = [HEADER, _table("[journey]", journey, JOURNEY_KEYS)]
    for stage in journey.stages.prefetch_related("prompts"):
        parts.append(RULE)
        parts.append(_table("[[stages]]", stage, STAGE_KEYS))
        for prompt in stage.prompts.all():
            parts.append("\n" + _table("[[stages.prompts]]", prompt, PROMPT_KEYS))
    return "\n".join(parts)
