"""Marking a stage "Done" or "Not ready yet", and undoing either."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError
from django.urls import reverse

from journeys.models import (
    ProgressStatus,
    Prompt,
    Reflection,
    Stage,
    StageProgress,
    UserDataQuerySet,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = reverse("journeys:save_stage", args=["together", "listening"])
STAGE_URL = reverse("journeys:stage", args=["together", "listening"])


@pytest.fixture
def stage(journey) -> Stage:
    return Stage.objects.get(slug="listening")


def status_of(user, stage: Stage) -> str | None:
    progress = StageProgress.objects.filter(user=user, stage=stage).first()
    return progress.status if progress else None


def test_marking_done_with_htmx_answers_with_the_progress_partial(alice_client, alice, stage):
    response = alice_client.post(URL, {"status": "done"}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert status_of(alice, stage) == ProgressStatus.DONE
    assert '<strong class="tag tag--done">Done</strong>' in content
    assert "Undo “Done”" in content
    assert 'id="progress-message" hx-swap-oob="innerHTML">Marked as done.' in content


def test_without_javascript_marking_done_goes_back_to_the_stage_saying_so(
    alice_client, alice, stage
):
    response = alice_client.post(URL, {"status": "done"})

    assert response.status_code == 302
    assert response["Location"] == f"{STAGE_URL}?marked=done#stage-progress"
    page = alice_client.get(response["Location"]).content.decode()
    assert "tag--done" in page
    # Said beside the marks, where the page lands, not at its top.
    assert 'id="progress-message" role="status">Marked as done.</p>' in page
    assert not list(get_messages(response.wsgi_request))


def test_without_javascript_undoing_in_a_stage_with_nothing_written_says_not_started(
    alice_client, alice, stage
):
    alice_client.post(URL, {"status": "done"})

    response = alice_client.post(URL, {"status": "undo"}, follow=True)

    assert "Undone. This stage is not started." in response.content.decode()


def test_not_ready_yet_is_a_status_of_its_own(alice_client, alice, stage):
    response = alice_client.post(URL, {"status": "not_ready"}, **HTMX)

    assert status_of(alice, stage) == ProgressStatus.NOT_READY
    assert "Come back whenever you like." in response.content.decode()
    assert "Undo “Not ready yet”" in response.content.decode()


def test_a_stage_can_go_from_not_ready_yet_to_done(alice_client, alice, stage):
    alice_client.post(URL, {"status": "not_ready"})
    alice_client.post(URL, {"status": "done"})

    assert StageProgress.objects.filter(user=alice).count() == 1
    assert status_of(alice, stage) == ProgressStatus.DONE


def test_undo_goes_back_to_not_started_when_nothing_was_written(alice_client, alice, stage):
    alice_client.post(URL, {"status": "done"})

    response = alice_client.post(URL, {"status": "undo"}, **HTMX)

    assert status_of(alice, stage) is None
    assert "Not started" in response.content.decode()
    assert "Mark as done" in response.content.decode()


def test_undo_goes_back_to_in_progress_when_something_was_written(alice_client, alice, stage):
    prompt = Prompt.objects.get(stage=stage, position=1)
    Reflection.objects.create(user=alice, prompt=prompt, prompt_text=prompt.text, text="Words")
    alice_client.post(URL, {"status": "not_ready"})

    alice_client.post(URL, {"status": "undo"})

    assert status_of(alice, stage) == ProgressStatus.IN_PROGRESS


def test_marking_my_stage_leaves_other_peoples_progress_alone(alice_client, bob, stage):
    StageProgress.objects.create(user=bob, stage=stage, status=ProgressStatus.NOT_READY)

    alice_client.post(URL, {"status": "done"})
    alice_client.post(URL, {"status": "undo"})

    assert status_of(bob, stage) == ProgressStatus.NOT_READY


def test_an_unknown_status_is_refused(alice_client, alice, stage):
    response = alice_client.post(URL, {"status": "finished-forever"})

    assert response.status_code == 400
    assert status_of(alice, stage) is None


def test_a_stage_that_is_not_published_answers_404(alice_client, stage):
    Stage.objects.filter(pk=stage.pk).update(published=False)

    assert alice_client.post(URL, {"status": "done"}).status_code == 404


def test_marking_only_accepts_post(alice_client, stage):
    assert alice_client.get(URL).status_code == 405


def test_a_signed_out_htmx_mark_sends_the_page_to_sign_in_instead_of_swapping_it(client, stage):
    response = client.post(URL, {"status": "done"}, **HTMX)

    assert response.status_code in (200, 401)
    assert "<html" not in response.content.decode()
    assert not StageProgress.objects.exists()


def test_a_busy_database_answers_503_and_says_to_try_again(alice_client, alice, stage):
    locked = OperationalError("database is locked")

    with mock.patch.object(UserDataQuerySet, "update_or_create", side_effect=locked):
        response = alice_client.post(URL, {"status": "done"}, **HTMX)

    assert response.status_code == 503
    assert "That did not work just now. Please try again." in response.content.decode()
    assert status_of(alice, stage) is None
