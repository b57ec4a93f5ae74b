"""dump_journeys writes what is published back to the files load_journeys reads."""

import io
import tomllib

import pytest
from django.core.management import CommandError, call_command

from journeys.models import Journey, Prompt, Stage

TRICKY = 'She said "not yet" \\ and meant it.\n\nThree quotes: """ and a tab\there.'


def load(path) -> str:
    out = io.StringIO()
    call_command("load_journeys", str(path), stdout=out)
    return out.getvalue()


def dump(tmp_path) -> str:
    out = io.StringIO()
    call_command("dump_journeys", "--output-dir", str(tmp_path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loading_a_dumped_journey_reports_everything_unchanged(loaded_journey, tmp_path):
    said = dump(tmp_path)

    path = tmp_path / f"{loaded_journey.slug}.toml"
    report = load(path)
    assert f"wrote journey {loaded_journey.slug}" in said
    assert f"journey {loaded_journey.slug} unchanged" in report
    stages, prompts = Stage.objects.count(), Prompt.objects.count()
    assert f"0 stages created, 0 changed, {stages} unchanged, 0 skipped" in report
    assert f"0 prompts created, 0 changed, {prompts} unchanged" in report


@pytest.mark.django_db
def test_an_editors_published_change_survives_the_file_and_a_fresh_load(loaded_journey, tmp_path):
    stage = loaded_journey.stages.get(slug="laughing-together")
    Stage.objects.filter(pk=stage.pk).update(body=TRICKY, title="Laughing, again")
    Prompt.objects.filter(pk=stage.prompts.first().pk).update(text='A "quoted" question?')
    dump(tmp_path)
    path = tmp_path / f"{loaded_journey.slug}.toml"

    Journey.objects.all().delete()
    load(path)

    stage = Stage.objects.get(slug="laughing-together")
    assert stage.body == TRICKY
    assert stage.title == "Laughing, again"
    assert stage.prompts.first().text == 'A "quoted" question?'
    assert "unchanged" in load(path)


@pytest.mark.django_db
def test_the_file_keeps_the_shape_people_write(loaded_journey, tmp_path):
    dump(tmp_path)

    data = tomllib.loads((tmp_path / f"{loaded_journey.slug}.toml").read_text())
    assert set(data) == {"journey", "stages"}
    assert data["journey"]["published"] is True
    assert [stage["slug"] for stage in data["stages"]] == list(
        loaded_journey.stages.values_list("slug", flat=True)
    )
    assert set(data["stages"][0]["prompts"][0]) == {"text", "help", "audience"}


@pytest.mark.django_db
def test_nothing_is_written_when_no_journey_is_published(journey, tmp_path):
    Journey.objects.update(published=False)

    with pytest.raises(CommandError, match="No journey is published"):
        dump(tmp_path)
    assert list(tmp_path.iterdir()) == []
