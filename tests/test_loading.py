import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from journeys.models import Journey, Prompt, Reflection, Stage

SMALL = """
[journey]
slug = "small"
title = "A small journey"
summary = "For the tests."
published = true
intro = "Hello."

[[stages]]
slug = "first"
title = "First"
summary = "The first stage."
published = true
body = "The first *introduction*."

[[stages.prompts]]
text = "First question?"
help = "A hint."
audience = "everyone"

[[stages.prompts]]
text = "Second question?"
audience = "recovering"

[[stages]]
slug = "second"
title = "Second"
published = true
body = "The second introduction."

[[stages.prompts]]
text = "Third question?"
audience = "partner"

[[stages.prompts]]
text = "Fourth question?"
"""


def load(*args: object) -> str:
    out = io.StringIO()
    call_command("load_journeys", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, name: str = "small.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list:
    return [
        list(Journey.objects.order_by("pk").values()),
        list(Stage.objects.order_by("pk").values()),
        list(Prompt.objects.order_by("pk").values()),
    ]


def prompt_texts(stage_slug: str) -> list[str]:
    return list(
        Prompt.objects.filter(stage__slug=stage_slug)
        .order_by("position")
        .values_list("text", flat=True)
    )


@pytest.fixture
def small(tmp_path) -> Path:
    return write(tmp_path, SMALL)


@pytest.mark.django_db
def test_it_creates_the_whole_journey_from_an_empty_database():
    output = load()

    journey = Journey.objects.get(slug="finding-each-other-again")
    assert journey.published
    assert journey.stages.count() == 10
    assert Prompt.objects.filter(stage__journey=journey).count() >= 20
    assert "created journey finding-each-other-again" in output
    assert "10 stages created, 0 changed, 0 unchanged, 0 skipped" in output


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert "journey finding-each-other-again unchanged" in output
    assert "0 stages created, 0 changed, 10 unchanged, 0 skipped" in output
    assert "prompts created, 0 changed" in output


@pytest.mark.django_db
def test_it_loads_stages_and_prompts_in_the_files_order(small):
    load(small)

    stages = Stage.objects.filter(journey__slug="small").order_by("position")
    assert [(s.position, s.slug) for s in stages] == [(1, "first"), (2, "second")]
    first = stages[0]
    assert first.body == "The first *introduction*."
    assert [(p.position, p.text, p.help_text, p.audience) for p in first.prompts.all()] == [
        (1, "First question?", "A hint.", "everyone"),
        (2, "Second question?", "", "recovering"),
    ]
    assert prompt_texts("second") == ["Third question?", "Fourth question?"]
    assert Prompt.objects.get(text="Fourth question?").audience == "everyone"


@pytest.mark.django_db
def test_an_edit_made_in_the_admin_survives_a_reload(small):
    load(small)
    Stage.objects.filter(slug="first").update(body="An editor's better words.")

    output = load(small)

    assert Stage.objects.get(slug="first").body == "An editor's better words."
    assert (
        "skipped stage first: changed in the admin since the last load (use --overwrite to replace)"
    ) in output
    assert "0 stages created, 0 changed, 1 unchanged, 1 skipped" in output


@pytest.mark.django_db
def test_an_edit_made_in_the_admin_survives_even_when_the_file_changes_too(small, tmp_path):
    load(small)
    Stage.objects.filter(slug="first").update(title="Edited title")

    load(write(tmp_path, SMALL.replace("The first *introduction*.", "New file words.")))

    stage = Stage.objects.get(slug="first")
    assert (stage.title, stage.body) == ("Edited title", "The first *introduction*.")


@pytest.mark.django_db
def test_overwrite_replaces_an_edit_made_in_the_admin(small):
    load(small)
    Stage.objects.filter(slug="first").update(body="An editor's better words.")

    output = load(small, "--overwrite")

    assert Stage.objects.get(slug="first").body == "The first *introduction*."
    assert "changed stage first (replaced changes made in the admin)" in output
    assert "skipped" not in output.replace("0 skipped", "")
    assert "0 stages created, 0 changed, 2 unchanged" in load(small)


@pytest.mark.django_db
def test_an_edited_prompt_counts_as_an_edit_of_its_stage(small):
    load(small)
    Prompt.objects.filter(text="Second question?").update(text="Reworded in the admin?")

    output = load(small)

    assert prompt_texts("first") == ["First question?", "Reworded in the admin?"]
    assert "skipped stage first" in output


@pytest.mark.django_db
def test_an_edited_journey_is_kept_and_its_stages_still_load(small, tmp_path):
    load(small)
    Journey.objects.filter(slug="small").update(intro="Edited welcome.")

    output = load(write(tmp_path, SMALL.replace("Second question?", "Better question?")))

    assert Journey.objects.get(slug="small").intro == "Edited welcome."
    assert "skipped journey small: changed in the admin since the last load" in output
    assert prompt_texts("first") == ["First question?", "Better question?"]


@pytest.mark.django_db
def test_a_change_in_the_file_updates_what_no_editor_touched(small, tmp_path):
    load(small)

    output = load(write(tmp_path, SMALL.replace("The second introduction.", "Rewritten.")))

    assert Stage.objects.get(slug="second").body == "Rewritten."
    assert "changed stage second" in output
    assert "0 stages created, 1 changed, 1 unchanged, 0 skipped" in output


@pytest.mark.django_db
def test_line_endings_from_a_browser_do_not_count_as_an_edit(small):
    load(small)
    Journey.objects.filter(slug="small").update(intro="Hello.\r\n")

    output = load(small)

    assert "skipped" not in output.replace("0 skipped", "")


@pytest.mark.django_db
def test_dry_run_writes_nothing_to_an_empty_database():
    output = load("--dry-run")

    assert Journey.objects.count() == 0
    assert Stage.objects.count() == 0
    assert output.startswith("Dry run: nothing was written.")
    assert "created journey finding-each-other-again" in output


@pytest.mark.django_db
def test_dry_run_reports_a_change_without_making_it(small, tmp_path):
    load(small)
    before = snapshot()

    output = load(write(tmp_path, SMALL.replace("Hello.", "Hi.")), "--dry-run")

    assert snapshot() == before
    assert "changed journey small" in output


@pytest.mark.django_db
def test_reordering_stages_in_the_file_swaps_their_positions(small, tmp_path):
    load(small)
    first, second = SMALL.split('[[stages]]\nslug = "second"')
    head, first_stage = first.split('[[stages]]\nslug = "first"')
    swapped = (
        head + '[[stages]]\nslug = "second"' + second + '\n[[stages]]\nslug = "first"' + first_stage
    )

    output = load(write(tmp_path, swapped, "swapped.toml"))

    order = Stage.objects.filter(journey__slug="small").order_by("position")
    assert [s.slug for s in order] == ["second", "first"]
    assert "changed journey small" in output


@pytest.mark.django_db
def test_reordering_prompts_in_the_file_rewrites_them_in_place(small, tmp_path):
    load(small)
    ids = list(Prompt.objects.filter(stage__slug="first").values_list("pk", flat=True))
    swapped = (
        SMALL.replace("First question?", "@@")
        .replace("Second question?", "First question?")
        .replace("@@", "Second question?")
    )

    load(write(tmp_path, swapped))

    assert prompt_texts("first") == ["Second question?", "First question?"]
    assert list(Prompt.objects.filter(stage__slug="first").values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_a_new_stage_in_the_file_is_added_and_a_missing_one_is_left_alone(small, tmp_path):
    load(small)
    extended = SMALL.replace('slug = "second"', 'slug = "third"')

    output = load(write(tmp_path, extended))

    order = Stage.objects.filter(journey__slug="small").order_by("position")
    assert [s.slug for s in order] == ["first", "third", "second"]
    assert "created stage third" in output
    assert "left stage second alone: it is not in" in output


@pytest.mark.django_db
def test_a_prompt_removed_from_the_file_is_deleted_when_nobody_answered_it(small, tmp_path):
    load(small)
    shorter = SMALL.replace('[[stages.prompts]]\ntext = "Fourth question?"\n', "")

    output = load(write(tmp_path, shorter))

    assert prompt_texts("second") == ["Third question?"]
    assert "1 removed" in output


@pytest.mark.django_db
def test_a_prompt_removed_from_the_file_is_kept_when_someone_answered_it(small, tmp_path, alice):
    load(small)
    answered = Prompt.objects.get(text="Fourth question?")
    Reflection.objects.create(
        user=alice, prompt=answered, prompt_text=answered.text, text="private words"
    )
    shorter = SMALL.replace('[[stages.prompts]]\ntext = "Fourth question?"\n', "")

    output = load(write(tmp_path, shorter))

    assert prompt_texts("second") == ["Third question?", "Fourth question?"]
    assert "kept prompt 2 of stage second: it is no longer in the file, but people" in output
    assert "private words" not in output
    assert "0 stages created, 0 changed, 2 unchanged" in load(write(tmp_path, shorter))


HELP_LIMIT = Prompt._meta.get_field("help_text").max_length

BAD_FILES = {
    "invalid TOML": (
        SMALL.replace('title = "First"', 'title = "First'),
        ["not valid TOML", "line 11"],
    ),
    "a missing title": (
        SMALL.replace('title = "Second"\n', ""),
        ['stage 2 (second), field "title": This field cannot be blank.'],
    ),
    "a duplicate slug": (
        SMALL.replace('slug = "second"', 'slug = "first"'),
        ['stage 2 (first), field "slug": "first" is already the slug of stage 1'],
    ),
    "a prompt with no text": (
        SMALL.replace('text = "Third question?"', 'text = "  "'),
        ['stage 2 (second), prompt 1, field "text": This field cannot be blank.'],
    ),
    "an unknown audience": (
        SMALL.replace('audience = "partner"', 'audience = "both"'),
        ["stage 2 (second), prompt 1, field \"audience\": Value 'both' is not a valid choice."],
    ),
    "a help text longer than the model allows": (
        SMALL.replace('help = "A hint."', f'help = "{"x" * (HELP_LIMIT + 1)}"'),
        [
            'stage 1 (first), prompt 1, field "help": '
            f"Ensure this value has at most {HELP_LIMIT} characters"
        ],
    ),
    "a slug with spaces": (
        SMALL.replace('slug = "small"', 'slug = "a small one"'),
        ['[journey], field "slug": Enter a valid “slug”'],
    ),
    "no prompts": (
        SMALL.split('[[stages.prompts]]\ntext = "Third')[0],
        ['stage 2 (second), field "prompts": has 0 prompts; a stage needs 1 to 4'],
    ),
    "five prompts": (
        SMALL + '[[stages.prompts]]\ntext = "5?"\n' * 3,
        ['stage 2 (second), field "prompts": has 5 prompts; a stage needs 1 to 4'],
    ),
    "a misspelt field": (
        SMALL.replace('title = "First"', 'tittle = "First"'),
        ['stage 1 (first): unknown field "tittle"', 'stage 1 (first), field "title"'],
    ),
    "a published flag that is not true or false": (
        SMALL.replace("published = true\nbody", 'published = "yes"\nbody', 1),
        ['stage 1 (first), field "published": must be true or false'],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("problem", BAD_FILES)
def test_a_bad_file_fails_with_a_clear_message_and_writes_nothing(problem, small, tmp_path):
    load(small)
    before = snapshot()
    text, messages = BAD_FILES[problem]
    bad = write(tmp_path, text.replace("Hello.", "Changed."), "bad.toml")

    with pytest.raises(CommandError) as error:
        load(bad)

    assert str(bad) in str(error.value)
    for message in messages:
        assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_bad_file_stops_the_good_files_beside_it_from_loading(small, tmp_path):
    bad = write(tmp_path, SMALL.replace('slug = "small"', 'slug = "other"\ntittle = "x"'), "b.toml")

    with pytest.raises(CommandError, match='unknown field "tittle"'):
        load(small, bad)

    assert Journey.objects.count() == 0


@pytest.mark.django_db
def test_two_files_may_not_hold_the_same_journey(small, tmp_path):
    twin = write(tmp_path, SMALL, "twin.toml")

    with pytest.raises(CommandError, match='"small" is already the slug of the journey in'):
        load(small, twin)


def test_its_help_explains_the_options(capsys):
    with pytest.raises(SystemExit):
        call_command("load_journeys", "--help")

    help_text = capsys.readouterr().out
    assert "--dry-run" in help_text
    assert "--overwrite" in help_text
    assert "journeys/content/" in help_text
