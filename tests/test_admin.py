import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from journeys.admin import preview_url
from journeys.drafts import edit_token
from journeys.models import CheckIn, Profile, Reflection, Stage, StageProgress


def stage_form(stage: Stage, **changes) -> dict:
    """The stage's change form as the admin would post it back, with changes."""
    data = {
        "journey": stage.journey_id,
        "position": stage.position,
        "title": stage.title,
        "slug": stage.slug,
        "summary": stage.summary,
        "body": stage.body,
        "published": "on" if stage.published else "",
        "seen": edit_token(stage),
    }
    prompts = list(stage.prompts.order_by("position"))
    data |= {
        "prompts-TOTAL_FORMS": len(prompts),
        "prompts-INITIAL_FORMS": len(prompts),
        "prompts-MIN_NUM_FORMS": 0,
        "prompts-MAX_NUM_FORMS": 1000,
    }
    for n, prompt in enumerate(prompts):
        data |= {
            f"prompts-{n}-id": prompt.pk,
            f"prompts-{n}-stage": stage.pk,
            f"prompts-{n}-position": prompt.position,
            f"prompts-{n}-text": prompt.text,
            f"prompts-{n}-help_text": prompt.help_text,
            f"prompts-{n}-audience": prompt.audience,
        }
    data |= changes
    return {key: value for key, value in data.items() if value != ""}


def change_url(stage: Stage) -> str:
    return reverse("admin:journeys_stage_change", args=[stage.pk])


@pytest.fixture
def stage(journey) -> Stage:
    return journey.stages.get(slug="listening")


@pytest.fixture
def unpublished_stage(stage) -> Stage:
    """A stage never published: saving it changes it at once."""
    Stage.objects.filter(pk=stage.pk).update(published=False)
    stage.refresh_from_db()
    return stage


def stage_page_url(stage: Stage) -> str:
    return reverse("journeys:stage", args=[stage.journey.slug, stage.slug])


@pytest.mark.django_db
def test_a_staff_editor_can_change_an_unpublished_stages_introduction(
    editor_client, unpublished_stage
):
    stage = unpublished_stage
    response = editor_client.post(change_url(stage), stage_form(stage, body="New *words*."))

    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.body == "New *words*."


@pytest.mark.django_db
def test_the_stage_page_in_the_admin_links_to_its_preview_for_each_role(editor_client, stage):
    content = editor_client.get(change_url(stage)).content.decode()

    for query in ["", "?role=recovering", "?role=partner"]:
        assert f'href="{preview_url(stage)}{query}"' in content


@pytest.mark.django_db
def test_the_stage_list_links_each_stage_to_its_preview(editor_client, journey):
    content = editor_client.get(reverse("admin:journeys_stage_changelist")).content.decode()

    for stage in journey.stages.all():
        assert f'href="{preview_url(stage)}"' in content


@pytest.mark.django_db
def test_a_staff_editor_previews_a_draft_stage(editor_client, stage):
    Stage.objects.filter(pk=stage.pk).update(published=False)

    response = editor_client.get(stage_page_url(stage))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Draft preview" in content
    assert "Some gentle words about <strong>listening</strong>." in content


@pytest.mark.django_db
def test_a_draft_stage_is_not_found_for_everyone_else(alice_client, stage):
    Stage.objects.filter(pk=stage.pk).update(published=False)

    assert alice_client.get(stage_page_url(stage)).status_code == 404


@pytest.mark.django_db
def test_the_stages_of_a_draft_journey_are_not_found_for_everyone_else(alice_client, stage):
    stage.journey.published = False
    stage.journey.save()

    assert alice_client.get(stage_page_url(stage)).status_code == 404
    assert (
        alice_client.get(reverse("journeys:journey", args=[stage.journey.slug])).status_code == 404
    )


@pytest.mark.django_db
def test_a_published_stage_carries_no_draft_banner(editor_client, stage):
    response = editor_client.get(stage_page_url(stage))

    assert response.status_code == 200
    assert "Draft preview" not in response.content.decode()


@pytest.mark.django_db
def test_the_journey_page_lists_its_stages_in_order(editor_client, journey):
    journey.stages.filter(slug="accepting").update(position=9)

    content = editor_client.get(
        reverse("admin:journeys_journey_change", args=[journey.pk])
    ).content.decode()

    assert content.index("Listening") < content.index("Your pace") < content.index("Accepting")


@pytest.mark.django_db
def test_an_editor_can_swap_two_prompts_places(editor_client, unpublished_stage):
    stage = unpublished_stage
    first, second = stage.prompts.order_by("position")[:2]

    response = editor_client.post(
        change_url(stage), stage_form(stage, **{"prompts-0-position": 2, "prompts-1-position": 1})
    )

    assert response.status_code == 302
    assert list(stage.prompts.order_by("position")) == [second, first, stage.prompts.last()]


@pytest.mark.django_db
def test_an_editor_can_add_a_prompt_in_a_place_another_one_leaves(editor_client, unpublished_stage):
    stage = unpublished_stage
    data = stage_form(stage, **{"prompts-2-position": 4})
    data |= {
        "prompts-TOTAL_FORMS": 4,
        "prompts-3-stage": stage.pk,
        "prompts-3-position": 3,
        "prompts-3-text": "A new question?",
        "prompts-3-audience": "everyone",
    }

    response = editor_client.post(change_url(stage), data)

    assert response.status_code == 302
    assert [p.position for p in stage.prompts.order_by("position")] == [1, 2, 3, 4]
    assert stage.prompts.get(position=3).text == "A new question?"


@pytest.mark.django_db
def test_an_untouched_save_in_the_admin_does_not_block_the_next_load(editor_client):
    call_command("load_journeys", stdout=io.StringIO())
    stage = Stage.objects.get(slug="laughing-together")
    # Browsers send a textarea's line breaks as CRLF.
    form = stage_form(stage, body=stage.body.replace("\n", "\r\n"), _publish="Publish")

    editor_client.post(change_url(stage), form)
    out = io.StringIO()
    call_command("load_journeys", stdout=out)

    assert "skipped" not in out.getvalue().replace("0 skipped", "")


@pytest.mark.django_db
def test_an_edit_saved_in_the_admin_is_kept_by_the_next_load(editor_client):
    call_command("load_journeys", stdout=io.StringIO())
    stage = Stage.objects.get(slug="laughing-together")

    editor_client.post(
        change_url(stage), stage_form(stage, summary="An editor's summary.", _publish="Publish")
    )
    out = io.StringIO()
    call_command("load_journeys", stdout=out)

    assert Stage.objects.get(slug="laughing-together").summary == "An editor's summary."
    assert "skipped stage laughing-together" in out.getvalue()


@pytest.mark.django_db
def test_someone_who_is_not_staff_cannot_reach_the_admin(alice_client, stage):
    for url in [reverse("admin:index"), change_url(stage)]:
        response = alice_client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_without_the_journey_permissions_cannot_change_a_stage(client, alice, stage):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)

    assert client.get(change_url(stage)).status_code == 403


@pytest.mark.parametrize("model", [Reflection, CheckIn, StageProgress, Profile])
def test_no_model_holding_peoples_data_is_in_the_admin(model):
    assert not admin.site.is_registered(model)


@pytest.mark.django_db
def test_the_admin_index_shows_an_editor_only_the_content(editor_client):
    content = editor_client.get(reverse("admin:index")).content.decode()

    assert "Journeys" in content
    assert "Stages" in content
    assert "Reflection" not in content
    assert "Check-in" not in content
