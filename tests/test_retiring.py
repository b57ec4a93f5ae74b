"""Retired stages and prompts take no new writing, and what people wrote stays theirs."""

import pytest
from django.urls import reverse

from journeys.models import Prompt, Reflection, Stage
from tests.conftest import box

WRITTEN = "I wrote this on the old question"


@pytest.fixture
def answered(alice, journey) -> Reflection:
    """Alice's reflection on the listening stage's first question, since reworded."""
    prompt = journey.stages.get(slug="listening").prompts.order_by("position").first()
    reflection = Reflection.start(alice, prompt, WRITTEN)
    Prompt.objects.filter(pk=prompt.pk).update(text="A question reworded since")
    return reflection


def retire_in_the_admin(client, model: str, pk: int) -> None:
    client.post(
        reverse(f"admin:journeys_{model}_changelist"),
        {"action": "retire", "_selected_action": [pk]},
    )


def stage_url(stage: Stage) -> str:
    return reverse("journeys:stage", args=[stage.journey.slug, stage.slug])


@pytest.mark.django_db
def test_a_retired_prompt_is_not_offered_but_its_reflection_stays_with_the_question_as_written(
    editor_client, client, alice, answered
):
    prompt = answered.prompt
    retire_in_the_admin(editor_client, "prompt", prompt.pk)
    client.force_login(alice)

    stage_page = client.get(stage_url(prompt.stage)).content.decode()
    saved = client.post(
        reverse(
            "journeys:save_reflection",
            args=[prompt.stage.journey.slug, prompt.stage.slug, prompt.pk],
        ),
        box(prompt, "More words"),
    )
    mine = client.get(reverse("journeys:reflections")).content.decode()

    assert Prompt.objects.get(pk=prompt.pk).retired
    assert "A question reworded since" not in stage_page
    assert prompt.text not in stage_page
    assert saved.status_code == 404
    assert WRITTEN in mine
    assert prompt.text in mine


@pytest.mark.django_db
def test_a_retired_stage_is_gone_from_the_journey_but_not_from_my_reflections_or_my_export(
    editor_client, client, alice, answered
):
    stage = answered.prompt.stage
    retire_in_the_admin(editor_client, "stage", stage.pk)
    client.force_login(alice)

    journey_page = client.get(reverse("journeys:journey", args=[stage.journey.slug]))
    mine = client.get(reverse("journeys:reflections")).content.decode()
    exported = client.get(reverse("account_export_json")).json()
    written_up = client.get(reverse("account_export_md")).content.decode()

    assert stage.title not in journey_page.content.decode()
    assert client.get(stage_url(stage)).status_code == 404
    assert WRITTEN in mine
    assert f'href="{stage_url(stage)}"' not in mine
    assert [r["text"] for r in exported["reflections"]] == [WRITTEN]
    assert exported["reflections"][0]["prompt_text"] == answered.prompt_text
    assert WRITTEN in written_up


@pytest.mark.django_db
def test_bringing_a_stage_back_opens_it_again(editor_client, client, alice, answered):
    stage = answered.prompt.stage
    retire_in_the_admin(editor_client, "stage", stage.pk)
    editor_client.post(
        reverse("admin:journeys_stage_changelist"),
        {"action": "bring_back", "_selected_action": [stage.pk]},
    )
    client.force_login(alice)

    assert client.get(stage_url(stage)).status_code == 200


@pytest.mark.django_db
def test_editors_see_which_content_is_retired(editor_client, answered):
    retire_in_the_admin(editor_client, "prompt", answered.prompt_id)

    prompts = editor_client.get(reverse("admin:journeys_prompt_changelist") + "?retired__exact=1")
    stage = editor_client.get(
        reverse("admin:journeys_stage_change", args=[answered.prompt.stage_id])
    )

    assert "A question reworded since" in prompts.content.decode()
    assert "field-retired" in stage.content.decode()
