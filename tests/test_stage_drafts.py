"""Editing a published stage: drafts, preview per role, publish, history and restore."""

import pytest
from django.test import Client
from django.urls import reverse

from journeys.admin import preview_url
from journeys.models import Prompt, Reflection, Stage, StageDraft, StageVersion
from tests.conftest import make_user
from tests.test_admin import change_url, stage_form, stage_page_url

NEW_BODY = "Listen *slowly*, and let them finish."
NEW_QUESTION = "When did you last feel really heard?"


@pytest.fixture
def stage(journey) -> Stage:
    return journey.stages.get(slug="listening")


@pytest.fixture
def person(alice) -> Client:
    """Alice in a browser of her own, beside the editor's."""
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def other_editor(editor) -> Client:
    colleague = make_user("colleague")
    colleague.is_staff = True
    colleague.save()
    colleague.groups.set(editor.groups.all())
    client = Client()
    client.force_login(colleague)
    return client


def edited(stage: Stage, **changes) -> dict:
    """The stage's form with a new introduction and first question."""
    return stage_form(stage, body=NEW_BODY, **{"prompts-0-text": NEW_QUESTION} | changes)


def publish(client, stage: Stage, data: dict):
    return client.post(change_url(stage), data | {"_publish": "Publish"})


def seen_by(client, stage: Stage) -> str:
    return client.get(stage_page_url(stage)).content.decode()


@pytest.mark.django_db
def test_saving_a_published_stage_keeps_a_draft_that_people_do_not_see(
    editor_client, person, stage
):
    response = editor_client.post(change_url(stage), edited(stage))

    assert response.status_code == 302
    assert StageDraft.objects.get(stage=stage).content["body"] == NEW_BODY
    page = seen_by(person, stage)
    assert "Some gentle words about <strong>listening</strong>." in page
    assert NEW_QUESTION not in page
    editing = editor_client.get(change_url(stage)).content.decode()
    assert NEW_BODY in editing
    assert NEW_QUESTION in editing
    assert "Changes in the draft" in editing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("", "What does listening mean to you?", "As the partner"),
        ("recovering", "As the one recovering, what about listening?", "As the partner"),
        ("partner", "As the partner, what about listening?", "As the one recovering"),
    ],
)
def test_the_preview_shows_the_draft_as_each_role_would_see_it(
    editor_client, stage, role, shown, hidden
):
    first = stage.prompts.order_by("position").first()
    Prompt.objects.filter(pk=first.pk).update(text="What does listening mean to you?")
    stage.refresh_from_db()
    editor_client.post(change_url(stage), stage_form(stage, body=NEW_BODY))

    page = editor_client.get(preview_url(stage) + (f"?role={role}" if role else ""))

    content = page.content.decode()
    assert page.status_code == 200
    assert "Draft preview" in content
    for prompt in stage.prompts.all():
        assert f"/prompts/{prompt.pk}/save/" not in content
    assert "Listen <em>slowly</em>" in content
    assert shown in content
    assert hidden not in content


@pytest.mark.django_db
def test_publishing_the_draft_shows_it_to_people_and_keeps_a_version(
    editor_client, editor, person, stage
):
    editor_client.post(change_url(stage), edited(stage))

    response = publish(editor_client, stage, edited(stage))

    assert response.status_code == 302
    page = seen_by(person, stage)
    assert "Listen <em>slowly</em>" in page
    assert NEW_QUESTION in page
    assert not StageDraft.objects.filter(stage=stage).exists()
    latest = StageVersion.objects.filter(stage=stage).first()
    assert (latest.number, latest.published_by) == (1, editor)
    assert StageVersion.objects.get(stage=stage, number=0).content["body"] != NEW_BODY


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"prompts-0-text": ""}, "prompts-0-text", "This field is required."),
        ({"slug": "accepting"}, "slug", "Stage with this Journey and Slug already exists."),
    ],
)
def test_a_bad_draft_shows_the_error_beside_the_field_and_publishes_nothing(
    editor_client, person, stage, change, field, message
):
    response = publish(editor_client, stage, edited(stage, **change))

    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert f'id="id_{field}_error"' in content or "errorlist" in content
    assert NEW_BODY in content
    assert StageVersion.objects.count() == 0
    assert "slowly" not in seen_by(person, stage)


@pytest.mark.django_db
def test_discarding_the_draft_leaves_the_stage_as_people_see_it(editor_client, stage):
    editor_client.post(change_url(stage), edited(stage))

    editor_client.post(reverse("admin:journeys_stage_discard", args=[stage.pk]))

    assert not StageDraft.objects.filter(stage=stage).exists()
    assert NEW_BODY not in editor_client.get(change_url(stage)).content.decode()


@pytest.mark.django_db
def test_two_editors_publishing_at_once_never_lose_a_change_silently(
    editor_client, other_editor, person, stage
):
    theirs = stage_form(stage, summary="The colleague's summary.")
    mine = edited(stage)

    publish(other_editor, stage, theirs)
    told = publish(editor_client, stage, mine)

    content = told.content.decode()
    assert told.status_code == 200
    assert "Another editor saved or published this stage" in content
    assert "Changed by another editor" in content
    assert "The colleague&#x27;s summary." in content
    assert NEW_BODY in content
    assert StageVersion.objects.filter(stage=stage).first().number == 1
    again = publish(editor_client, stage, mine | {"seen": "1.0"})
    assert again.status_code == 302
    assert "Listen <em>slowly</em>" in seen_by(person, stage)


@pytest.mark.django_db
def test_the_history_shows_what_changed_and_restores_an_older_version_as_a_draft(
    editor_client, person, stage
):
    publish(editor_client, stage, edited(stage))

    history = editor_client.get(reverse("admin:journeys_stage_history", args=[stage.pk]))
    restored = editor_client.post(reverse("admin:journeys_stage_restore", args=[stage.pk, 0]))

    content = history.content.decode()
    assert "Version 1, published by editor" in content
    assert f"<ins>+ {NEW_BODY}</ins>" in content
    assert "<del>\u2212 Some gentle words about **listening**.</del>" in content
    assert restored.status_code == 302
    assert "Some gentle words" in StageDraft.objects.get(stage=stage).content["body"]
    assert "Listen <em>slowly</em>" in seen_by(person, stage)
    preview = editor_client.get(preview_url(stage)).content.decode()
    assert "Some gentle words about <strong>listening</strong>." in preview


@pytest.mark.django_db
def test_restoring_a_version_with_a_prompt_retired_since_brings_it_back_retired(
    editor_client, alice, person, stage
):
    publish(editor_client, stage, edited(stage))
    first = stage.prompts.order_by("position").first()
    Reflection.start(alice, first, "Some words")
    editor_client.post(
        reverse("admin:journeys_prompt_changelist"),
        {"action": "retire", "_selected_action": [first.pk]},
    )

    editor_client.post(reverse("admin:journeys_stage_restore", args=[stage.pk, 0]))
    draft = StageDraft.objects.get(stage=stage).content
    stage.refresh_from_db()
    publish(editor_client, stage, stage_form(stage, body=draft["body"]))

    assert [p["retired"] for p in draft["prompts"] if p["id"] == first.pk] == [True]
    assert Prompt.objects.get(pk=first.pk).retired
    assert first.text not in editor_client.get(preview_url(stage)).content.decode()
    assert "Some gentle words" in seen_by(person, stage)


@pytest.mark.django_db
def test_a_question_added_in_a_draft_stays_through_the_next_save_and_is_published(
    editor_client, person, stage
):
    added = stage_form(stage) | {
        "prompts-TOTAL_FORMS": 4,
        "prompts-3-stage": stage.pk,
        "prompts-3-position": 4,
        "prompts-3-text": NEW_QUESTION,
        "prompts-3-audience": "everyone",
    }
    editor_client.post(change_url(stage), added)

    page = editor_client.get(change_url(stage)).content.decode()
    publish(editor_client, stage, added | {"seen": "0.1"})

    assert NEW_QUESTION in page
    assert Prompt.objects.filter(stage=stage, text=NEW_QUESTION).count() == 1
    assert NEW_QUESTION in seen_by(person, stage)


@pytest.mark.django_db
def test_up_and_down_move_a_question_without_javascript(editor_client, stage):
    first, second, third = stage.prompts.order_by("position")

    editor_client.post(change_url(stage), stage_form(stage, _move=f"down:{first.pk}"))

    order = sorted(
        StageDraft.objects.get(stage=stage).content["prompts"], key=lambda p: p["position"]
    )
    assert [p["id"] for p in order] == [second.pk, first.pk, third.pk]
    assert list(stage.prompts.order_by("position")) == [first, second, third]


@pytest.mark.django_db
def test_up_moves_a_question_of_a_stage_never_published_at_once(editor_client, stage):
    Stage.objects.filter(pk=stage.pk).update(published=False)
    stage.refresh_from_db()
    first, second, third = stage.prompts.order_by("position")

    response = editor_client.post(change_url(stage), stage_form(stage, _move=f"up:{third.pk}"))

    assert response.status_code == 302
    assert list(stage.prompts.order_by("position")) == [first, third, second]


@pytest.mark.django_db
def test_the_history_of_an_address_that_is_no_stage_answers_not_found(editor_client):
    address = reverse("admin:journeys_stage_history", args=["1"]).replace("/1/", "/not-a-stage/")

    assert editor_client.get(address).status_code == 404
