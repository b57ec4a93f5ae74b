"""No editor, and no superuser, can delete content that holds people's data."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from journeys.models import CheckIn, Journey, Prompt, Stage, StageProgress, TogetherQuestion
from tests.conftest import make_user, write_notes
from tests.test_admin import change_url, stage_form

SECRET = "the words I wrote after the scan"


@pytest.fixture
def superuser_client(client, db):
    user = make_user("operator")
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


@pytest.fixture(params=["editor_client", "superuser_client"])
def staff_client(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def written(alice, journey):
    """Alice's reflection on the first stage's first prompt, her mark and her check-in."""
    reflection, _check_in = write_notes(alice, journey, SECRET, SECRET)
    return reflection


def shows_no_peoples_data(content: str, reflection) -> bool:
    return not any(
        word in content
        for word in [SECRET, "Reflection", "Check-in", "Progress", f"Reflection {reflection.pk}"]
    )


def everything_is_still_there(reflection) -> bool:
    prompt = reflection.prompt
    return (
        Prompt.objects.filter(pk=prompt.pk).exists()
        and Stage.objects.filter(pk=prompt.stage_id).exists()
        and Journey.objects.filter(pk=prompt.stage.journey_id).exists()
        and CheckIn.objects.count() == 1
        and StageProgress.objects.count() == 1
    )


@pytest.mark.django_db
def test_the_change_pages_offer_no_delete_for_content_people_wrote_to(staff_client, written):
    stage = written.prompt.stage
    pages = [change_url(stage), reverse("admin:journeys_journey_change", args=[stage.journey_id])]

    for url in pages:
        content = staff_client.get(url).content.decode()
        assert 'class="deletelink"' not in content, url


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["stage", "journey"])
def test_the_delete_address_refuses_content_people_wrote_to(staff_client, written, model):
    stage = written.prompt.stage
    pk = stage.pk if model == "stage" else stage.journey_id
    url = reverse(f"admin:journeys_{model}_delete", args=[pk])

    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert everything_is_still_there(written)


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["stage", "journey"])
def test_the_bulk_delete_action_refuses_and_names_only_the_content(staff_client, written, model):
    stage = written.prompt.stage
    pk = stage.pk if model == "stage" else stage.journey_id
    url = reverse(f"admin:journeys_{model}_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [pk]}

    asked = staff_client.post(url, chosen)
    confirmed = staff_client.post(url, chosen | {"post": "yes"})

    for response in (asked, confirmed):
        content = response.content.decode()
        assert "people have written to it, checked in on it or marked it" in content
        assert "Retire" in content
        assert shows_no_peoples_data(content, written)
    assert everything_is_still_there(written)


@pytest.mark.django_db
def test_a_prompt_someone_answered_cannot_be_deleted_from_its_stage(staff_client, written):
    stage = written.prompt.stage
    row = list(stage.prompts.order_by("position")).index(written.prompt)

    page = staff_client.get(change_url(stage)).content.decode()
    response = staff_client.post(
        change_url(stage), stage_form(stage, **{f"prompts-{row}-DELETE": "on"})
    )

    assert f'name="prompts-{row}-DELETE" disabled' in page
    assert response.status_code == 302
    assert shows_no_peoples_data(response.content.decode(), written)
    assert everything_is_still_there(written)


@pytest.mark.django_db
def test_content_nobody_wrote_to_can_still_be_deleted(staff_client, journey):
    stage = journey.stages.get(slug="pace")
    prompt = stage.prompts.first()

    staff_client.post(change_url(stage), stage_form(stage, **{"prompts-0-DELETE": "on"}))
    staff_client.post(reverse("admin:journeys_stage_delete", args=[stage.pk]), {"post": "yes"})

    assert not Prompt.objects.filter(pk=prompt.pk).exists()
    assert not Stage.objects.filter(pk=stage.pk).exists()


@pytest.mark.django_db
def test_the_database_refuses_the_cascades_that_would_take_peoples_data(written):
    stage = written.prompt.stage

    for content in (written.prompt, stage, stage.journey):
        with pytest.raises(ProtectedError):
            content.delete()
    assert everything_is_still_there(written)


@pytest.mark.django_db
def test_a_question_asked_together_keeps_its_prompt_stage_and_journey(
    staff_client, alice, bob, journey
):
    stage = journey.stages.get(slug="pace")
    prompt = stage.prompts.first()
    TogetherQuestion.objects.create(prompt=prompt, asked_by=alice, asked_of=bob)

    page = staff_client.get(change_url(stage)).content.decode()
    refused = staff_client.post(
        reverse("admin:journeys_stage_delete", args=[stage.pk]), {"post": "yes"}
    )

    assert 'name="prompts-0-DELETE" disabled' in page
    assert refused.status_code == 403
    for content in (prompt, stage, journey):
        assert content.holds_peoples_data()
        with pytest.raises(ProtectedError):
            content.delete()
