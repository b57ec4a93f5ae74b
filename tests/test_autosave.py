"""Saving a reflection from the stage page: with htmx as the person writes, and without JS."""

import json
import sqlite3
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter
from django_htmx.middleware import HtmxDetails

from journeys.models import (
    REFLECTION_MAX_LENGTH,
    Profile,
    ProgressStatus,
    Prompt,
    Reflection,
    Role,
    Stage,
    StageProgress,
)
from journeys.views.autosave import save_reflection
from tests.conftest import box, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
only_on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="holds SQLite's own write lock and page limit"
)


@pytest.fixture
def prompt(journey) -> Prompt:
    return Prompt.objects.get(stage__journey=journey, stage__slug="listening", position=1)


def save_url(prompt: Prompt) -> str:
    stage = prompt.stage
    return reverse("journeys:save_reflection", args=[stage.journey.slug, stage.slug, prompt.pk])


def stage_form_url(prompt: Prompt) -> str:
    """Where the stage page's one form goes (every box, and the marks)."""
    return reverse("journeys:save_stage", args=[prompt.stage.journey.slug, prompt.stage.slug])


def pressing_save(prompt: Prompt, *box_args) -> dict:
    """The page's form without JavaScript, sent by the Save under `prompt`."""
    return {**box(prompt, *box_args), "save": prompt.pk}


def stage_url(prompt: Prompt) -> str:
    return reverse("journeys:stage", args=[prompt.stage.journey.slug, prompt.stage.slug])


def stored_text(reflection: Reflection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM journeys_reflection WHERE id = %s", [reflection.pk])
        return cursor.fetchone()[0]


def write(user, prompt: Prompt, text: str) -> Reflection:
    return Reflection.objects.create(user=user, prompt=prompt, prompt_text=prompt.text, text=text)


# The first save, and the ones after it


def test_the_first_save_creates_a_reflection_and_answers_with_only_the_status(
    alice_client, alice, prompt
):
    response = alice_client.post(save_url(prompt), box(prompt, "We sat in the garden."), **HTMX)

    reflection = Reflection.objects.get(user=alice)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Saved at" in content
    assert reflection.text == "We sat in the garden."
    assert reflection.prompt_text == prompt.text
    assert reflection.version == 1


def test_the_first_save_gives_the_box_the_new_reflections_id_and_version(alice_client, prompt):
    response = alice_client.post(save_url(prompt), box(prompt, "First words"), **HTMX)

    reflection = Reflection.objects.get()
    content = response.content.decode()
    assert f'id="ids-{prompt.pk}" hx-swap-oob="true"' in content
    assert f'name="p{prompt.pk}-reflection" value="{reflection.pk}"' in content
    assert f'name="p{prompt.pk}-version" value="1"' in content


def test_later_saves_update_the_same_reflection(alice_client, alice, prompt):
    alice_client.post(save_url(prompt), box(prompt, "First"), **HTMX)
    reflection = Reflection.objects.get()

    response = alice_client.post(
        save_url(prompt),
        box(prompt, "First, then more", reflection.pk, 1),
        **HTMX,
    )

    reflection.refresh_from_db()
    assert response.status_code == 200
    assert Reflection.objects.count() == 1
    assert reflection.text == "First, then more"
    assert reflection.version == 2
    assert f'name="p{prompt.pk}-version" value="2"' in response.content.decode()


def test_text_is_encrypted_at_rest_when_created_and_when_updated(alice_client, prompt):
    alice_client.post(save_url(prompt), box(prompt, "A private sentence"), **HTMX)
    reflection = Reflection.objects.get()
    assert "private sentence" not in stored_text(reflection)

    alice_client.post(
        save_url(prompt),
        box(prompt, "A private sentence, updated", reflection.pk, 1),
        **HTMX,
    )

    assert "private sentence" not in stored_text(reflection)
    assert Reflection.objects.get().text == "A private sentence, updated"


def test_the_first_reflection_in_a_stage_marks_it_in_progress(alice_client, alice, prompt):
    alice_client.post(save_url(prompt), box(prompt, "Started"), **HTMX)

    progress = StageProgress.objects.get(user=alice, stage=prompt.stage)
    assert progress.status == ProgressStatus.IN_PROGRESS


def test_writing_again_in_a_stage_marked_done_leaves_it_done(alice_client, alice, prompt):
    StageProgress.objects.create(user=alice, stage=prompt.stage, status=ProgressStatus.DONE)

    alice_client.post(save_url(prompt), box(prompt, "One more thought"), **HTMX)

    assert StageProgress.objects.get(user=alice).status == ProgressStatus.DONE


@pytest.mark.parametrize("count", [1, 50])
def test_an_update_takes_the_same_few_queries_however_much_i_wrote(
    alice_client, alice, prompt, django_assert_max_num_queries, count
):
    for n in range(count):
        reflection = write(alice, prompt, f"Note {n}")
    url = save_url(prompt)
    alice_client.get(stage_url(prompt))  # the session's expiry is moved on at most once a while

    # The session, me and my profile, the prompt, and the update.
    with django_assert_max_num_queries(5):
        response = alice_client.post(url, box(prompt, "After", reflection.pk, 1), **HTMX)

    assert response.status_code == 200
    assert Reflection.objects.get(pk=reflection.pk).text == "After"


def test_an_update_to_a_prompt_of_an_unpublished_stage_answers_404(alice_client, alice, prompt):
    reflection = write(alice, prompt, "Before")
    Stage.objects.filter(pk=prompt.stage_id).update(published=False)

    response = alice_client.post(save_url(prompt), box(prompt, "After", reflection.pk, 1), **HTMX)

    assert response.status_code == 404
    assert Reflection.objects.get().text == "Before"


def test_an_editor_unpublishing_a_stage_stops_saves_to_it_though_they_were_cached(
    alice_client, alice, prompt
):
    reflection = write(alice, prompt, "Before")
    url = save_url(prompt)
    alice_client.post(url, box(prompt, "Typing", reflection.pk, 1), **HTMX)
    stage = Stage.objects.get(pk=prompt.stage_id)
    stage.published = False
    stage.save()  # as the admin saves it

    response = alice_client.post(url, box(prompt, "After", reflection.pk, 2), **HTMX)

    assert response.status_code == 404
    assert Reflection.objects.get().text == "Typing"


def test_an_update_through_another_stages_address_answers_404(alice_client, alice, journey, prompt):
    reflection = write(alice, prompt, "Before")
    url = reverse("journeys:save_reflection", args=[journey.slug, "pace", prompt.pk])

    response = alice_client.post(url, box(prompt, "After", reflection.pk, 1), **HTMX)

    assert response.status_code == 404
    assert Reflection.objects.get().text == "Before"


def test_the_saved_time_is_in_the_persons_own_time_zone(alice_client, alice, prompt):
    # UTC+5:45: no other zone shares its minutes.
    Profile.objects.filter(user=alice).update(time_zone="Asia/Kathmandu")

    response = alice_client.post(save_url(prompt), box(prompt, "Evening"), **HTMX)

    updated = Reflection.objects.get().updated
    local = updated.astimezone(ZoneInfo("Asia/Kathmandu")).strftime("%H:%M")
    assert f"Saved at {local}" in response.content.decode()


# Without JavaScript


def test_without_javascript_a_save_goes_back_to_the_prompt_saying_saved(alice_client, prompt):
    response = alice_client.post(stage_form_url(prompt), pressing_save(prompt, "Typed with JS off"))

    assert response.status_code == 302
    assert response["Location"] == f"{stage_url(prompt)}?saved={prompt.pk}#prompt-{prompt.pk}"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Typed with JS off" in page
    # "Saved." in the prompt's own status, where the page lands, not at its top.
    assert f'id="status-{prompt.pk}" role="status">Saved.</p>' in page
    assert '<p class="notice notice--success">Saved.</p>' not in page


def test_without_javascript_each_save_starts_a_new_reflection(alice_client, prompt):
    alice_client.post(stage_form_url(prompt), pressing_save(prompt, "One"))
    alice_client.post(stage_form_url(prompt), pressing_save(prompt, "Two"))

    assert sorted(Reflection.objects.values_list("prompt_id", flat=True)) == [prompt.pk] * 2


@pytest.fixture
def second_prompt(alice, prompt) -> Prompt:
    """Another box on the same page: Alice says she is the one recovering."""
    Profile.objects.filter(user=alice).update(role=Role.RECOVERING)
    return Prompt.objects.get(stage=prompt.stage, audience=Role.RECOVERING)


def test_without_javascript_one_save_keeps_every_box_with_words(
    alice_client, alice, prompt, second_prompt
):
    data = {**pressing_save(prompt, "In the first box"), **box(second_prompt, "In the second")}

    response = alice_client.post(stage_form_url(prompt), data)

    assert sorted(Reflection.objects.for_user(alice).values_list("prompt_id", "text")) == [
        (prompt.pk, "In the first box"),
        (second_prompt.pk, "In the second"),
    ]
    saved = f"{prompt.pk}%2C{second_prompt.pk}"
    assert response["Location"] == f"{stage_url(prompt)}?saved={saved}#prompt-{prompt.pk}"
    page = alice_client.get(response["Location"]).content.decode()
    for each in (prompt, second_prompt):
        assert f'id="status-{each.pk}" role="status">Saved.</p>' in page


@pytest.mark.parametrize(
    ("choice", "status"), [("done", ProgressStatus.DONE), ("not_ready", ProgressStatus.NOT_READY)]
)
def test_without_javascript_a_mark_also_saves_every_box_with_words(
    alice_client, alice, prompt, second_prompt, choice, status
):
    data = {**box(prompt, ""), **box(second_prompt, "Written, then marked"), "status": choice}

    response = alice_client.post(stage_form_url(prompt), data)

    assert Reflection.objects.for_user(alice).get().text == "Written, then marked"
    assert StageProgress.objects.get(user=alice).status == status
    assert response["Location"].endswith("#stage-progress")
    page = alice_client.get(response["Location"]).content.decode()
    assert f'id="status-{second_prompt.pk}" role="status">Saved.</p>' in page
    assert 'id="progress-message" role="status">Marked as' in page


def test_without_javascript_a_box_left_as_it_was_is_not_saved_again(
    alice_client, alice, prompt, second_prompt
):
    today = write(alice, prompt, "Written this morning")
    data = {
        **box(prompt, "Written this morning", today.pk, 1),
        **pressing_save(second_prompt, "New words"),
    }

    alice_client.post(stage_form_url(prompt), data)

    today.refresh_from_db()
    assert (today.text, today.version) == ("Written this morning", 1)
    assert Reflection.objects.for_user(alice).count() == 2


def test_without_javascript_one_box_too_long_saves_nothing_and_keeps_every_box(
    alice_client, alice, prompt, second_prompt
):
    too_long = "Kept safe. " * 2000
    data = {**pressing_save(prompt, "Short and fine"), **box(second_prompt, too_long)}

    response = alice_client.post(stage_form_url(prompt), data)

    content = response.content.decode()
    assert response.status_code == 422
    assert f'href="#p{second_prompt.pk}-text"' in content
    assert "Short and fine</textarea>" in content
    assert too_long.strip() in content
    assert not Reflection.objects.exists()


def test_without_javascript_a_signed_out_page_gives_every_box_back(
    client, alice, prompt, second_prompt
):
    data = {**pressing_save(prompt, "Words one"), **box(second_prompt, "Words two")}

    response = client.post(stage_form_url(prompt), data)

    content = response.content.decode()
    assert response.status_code == 401
    assert "Words one" in content and "Words two" in content
    assert not Reflection.objects.exists()


# Two tabs


def test_a_stale_save_answers_409_and_keeps_both_texts(alice_client, alice, prompt):
    reflection = write(alice, prompt, "Written in the first tab")
    # The first tab saves again: version 2.
    alice_client.post(
        save_url(prompt),
        box(prompt, "Written in the first tab, and more", reflection.pk, 1),
        **HTMX,
    )

    # The second tab still has version 1.
    response = alice_client.post(
        save_url(prompt),
        box(prompt, "Written in the second tab", reflection.pk, 1),
        **HTMX,
    )

    content = response.content.decode()
    texts = set(Reflection.objects.values_list("pk", flat=True))
    new = Reflection.objects.exclude(pk=reflection.pk).get()
    assert response.status_code == 409
    assert len(texts) == 2
    assert Reflection.objects.get(pk=reflection.pk).text == "Written in the first tab, and more"
    assert new.text == "Written in the second tab"
    assert "changed in another tab" in content
    assert "as a new reflection" in content
    assert "Written in the first tab, and more" in content  # the other version, shown
    assert f'id="other-{prompt.pk}" hx-swap-oob="true"' in content
    assert f'name="p{prompt.pk}-reflection" value="{new.pk}"' in content


def test_a_stale_save_of_the_very_words_saved_since_makes_no_copy(alice_client, alice, prompt):
    reflection = write(alice, prompt, "The same words")
    Reflection.objects.filter(pk=reflection.pk).update(version=2)

    response = alice_client.post(
        save_url(prompt), box(prompt, "The same words", reflection.pk, 1), **HTMX
    )

    assert response.status_code == 200
    assert Reflection.objects.count() == 1
    assert f'name="p{prompt.pk}-version" value="2"' in response.content.decode()


def test_without_javascript_a_stale_save_also_keeps_both_and_says_so(alice_client, alice, prompt):
    reflection = write(alice, prompt, "Newer")
    Reflection.objects.filter(pk=reflection.pk).update(version=3)

    response = alice_client.post(
        stage_form_url(prompt), pressing_save(prompt, "Older tab", reflection.pk, 2)
    )

    assert response.status_code == 302
    [message] = get_messages(response.wsgi_request)
    assert "saved as a new reflection" in str(message)
    assert sorted(Reflection.objects.values_list("text", flat=True)) == ["Newer", "Older tab"]


# Bad input


def test_an_empty_box_is_not_saved_and_says_so_quietly(alice_client, prompt):
    response = alice_client.post(save_url(prompt), box(prompt, "   \n "), **HTMX)

    assert response.status_code == 200
    assert "Nothing to save yet." in response.content.decode()
    assert not Reflection.objects.exists()


def test_emptying_the_box_of_a_saved_reflection_removes_it_with_an_undo(
    alice_client, alice, prompt
):
    reflection = write(alice, prompt, "Words I took back <b>today</b>")

    response = alice_client.post(save_url(prompt), box(prompt, "", reflection.pk, 1), **HTMX)
    content = response.content.decode()

    assert response.status_code == 200
    assert "Nothing to save yet." not in content
    assert "Removed." in content
    assert 'data-undo-text="Words I took back &lt;b&gt;today&lt;/b&gt;">Undo</button>' in content
    # The box starts a new reflection from now on.
    assert f'id="ids-{prompt.pk}" hx-swap-oob="true"' in content
    assert f'name="p{prompt.pk}-reflection" form=' in content
    assert f'name="p{prompt.pk}-reflection" value' not in content
    assert not Reflection.objects.exists()


def test_emptying_a_box_another_tab_saved_since_removes_nothing(alice_client, alice, prompt):
    reflection = write(alice, prompt, "Saved in another tab")
    Reflection.objects.filter(pk=reflection.pk).update(version=2)

    response = alice_client.post(save_url(prompt), box(prompt, "", reflection.pk, 1), **HTMX)

    assert "Not removed" in response.content.decode()
    assert Reflection.objects.filter(pk=reflection.pk).exists()


def test_emptying_a_box_never_removes_another_persons_reflection(alice_client, bob, prompt):
    bobs = write(bob, prompt, "Bob's words")

    alice_client.post(save_url(prompt), box(prompt, "", bobs.pk, 1), **HTMX)

    assert Reflection.objects.filter(pk=bobs.pk).exists()


def test_without_javascript_emptying_a_saved_box_removes_it_and_says_so(
    alice_client, alice, prompt
):
    reflection = write(alice, prompt, "Gone soon")

    response = alice_client.post(
        stage_form_url(prompt), pressing_save(prompt, "", reflection.pk, 1)
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Removed the reflection you emptied."
    ]
    assert not Reflection.objects.exists()


def test_without_javascript_an_empty_box_goes_back_saying_nothing_to_save(alice_client, prompt):
    response = alice_client.post(stage_form_url(prompt), pressing_save(prompt, ""))

    assert response["Location"] == f"{stage_url(prompt)}?empty={prompt.pk}#prompt-{prompt.pk}"
    page = alice_client.get(response["Location"]).content.decode()
    assert f'id="status-{prompt.pk}" role="status">Nothing to save yet.</p>' in page
    assert not Reflection.objects.exists()


def test_an_over_long_reflection_is_refused_with_the_limit_in_words(alice_client, prompt):
    text = "a" * (REFLECTION_MAX_LENGTH + 1)

    response = alice_client.post(save_url(prompt), box(prompt, text), **HTMX)

    content = response.content.decode()
    assert response.status_code == 422
    assert "20,001 characters" in content
    assert "the limit is 20,000" in content
    assert "<html" not in content
    assert not Reflection.objects.exists()


def test_a_reflection_of_exactly_the_limit_is_saved(alice_client, prompt):
    response = alice_client.post(save_url(prompt), box(prompt, "b" * REFLECTION_MAX_LENGTH), **HTMX)

    assert response.status_code == 200
    assert len(Reflection.objects.get().text) == REFLECTION_MAX_LENGTH


def test_without_javascript_an_over_long_reflection_comes_back_in_the_box(alice_client, prompt):
    text = "Kept safe. " * 2000

    response = alice_client.post(stage_form_url(prompt), pressing_save(prompt, text))

    content = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in content
    assert f'href="#p{prompt.pk}-text"' in content
    assert text.strip() in content
    assert not Reflection.objects.exists()


def test_another_persons_reflection_id_is_left_alone_and_my_words_saved_as_mine(
    alice_client, alice, bob, prompt
):
    bobs = write(bob, prompt, "Bob's words")

    response = alice_client.post(save_url(prompt), box(prompt, "Alice's words", bobs.pk, 1), **HTMX)

    assert response.status_code == 200
    assert Reflection.objects.get(pk=bobs.pk).text == "Bob's words"
    assert Reflection.objects.get(user=alice).text == "Alice's words"
    assert "Bob's words" not in response.content.decode()


def test_a_box_whose_reflection_was_deleted_elsewhere_saves_as_a_new_one(
    alice_client, alice, prompt
):
    gone = write(alice, prompt, "Deleted in another tab")
    gone_pk = gone.pk
    gone.delete()

    response = alice_client.post(save_url(prompt), box(prompt, "Still typing", gone_pk, 1), **HTMX)

    new = Reflection.objects.get(user=alice)
    assert response.status_code == 200
    assert new.text == "Still typing"
    assert f'name="p{prompt.pk}-reflection" value="{new.pk}"' in response.content.decode()


def test_a_prompt_from_another_stage_answers_404(alice_client, journey, prompt):
    elsewhere = Prompt.objects.get(stage__slug="pace", position=1)
    url = reverse("journeys:save_reflection", args=[journey.slug, prompt.stage.slug, elsewhere.pk])

    assert alice_client.post(url, box(prompt, "x"), **HTMX).status_code == 404
    assert not Reflection.objects.exists()


def test_a_prompt_of_an_unpublished_stage_answers_404(alice_client, prompt):
    Stage.objects.filter(pk=prompt.stage_id).update(published=False)

    assert alice_client.post(save_url(prompt), box(prompt, "x"), **HTMX).status_code == 404
    assert not Reflection.objects.exists()


def test_saving_only_accepts_post(alice_client, prompt):
    assert alice_client.get(save_url(prompt)).status_code == 405


def test_the_text_is_hidden_from_error_reports(rf, alice, prompt):
    request = rf.post(save_url(prompt), box(prompt, "Very private"), **HTMX)
    request.user, request.htmx = alice, HtmxDetails(request)

    save_reflection(request, prompt.stage.journey.slug, prompt.stage.slug, prompt.pk)

    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed[f"p{prompt.pk}-text"] != "Very private"


# Signed out


def test_a_signed_out_htmx_save_answers_401_with_a_sign_in_link_in_a_new_tab(client, prompt):
    response = client.post(save_url(prompt), box(prompt, "Still mine"), **HTMX)

    content = response.content.decode()
    assert response.status_code == 401
    assert "<html" not in content
    assert "You have been signed out. Your text is still here." in content
    assert 'target="_blank"' in content
    assert reverse("login") in content
    assert "Still mine" not in content
    assert not Reflection.objects.exists()


def test_without_javascript_a_signed_out_save_gives_the_text_back_and_stores_nothing(
    client, prompt
):
    response = client.post(stage_form_url(prompt), pressing_save(prompt, "Words I wrote"))

    content = response.content.decode()
    assert response.status_code == 401
    assert "Words I wrote" in content
    assert "no-store" in response["Cache-Control"]
    assert f"next=/journeys/together/listening/%23prompt-{prompt.pk}" in content
    assert not Reflection.objects.exists()


def test_the_retry_asks_nothing_of_a_signed_out_person(client, prompt):
    response = client.get(reverse("journeys:save_retry", args=["together", "listening"]))

    assert response.status_code == 204
    assert response.content == b""


def test_once_signed_in_again_the_retry_hands_over_a_fresh_token_and_cues_the_save(
    alice_client, prompt
):
    response = alice_client.get(
        reverse("journeys:save_retry", args=["together", "listening"]), **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"nearer-save": {}}
    assert 'name="csrfmiddlewaretoken"' in content
    assert "hx-swap-oob" in content


def test_signing_in_from_the_link_leads_to_a_page_that_says_to_go_back(alice_client, prompt):
    response = alice_client.get(reverse("journeys:signed_in_again", args=["together", "listening"]))

    assert response.status_code == 200
    assert "You are signed in again" in response.content.decode()


def test_the_sign_in_link_brings_a_person_to_that_page(client, alice, prompt):
    response = client.post(save_url(prompt), box(prompt, "x"), **HTMX)
    login_url = response.content.decode().split('href="')[1].split('"')[0].replace("&amp;", "&")

    client.get(login_url)
    signed_in = client.post(
        login_url, {"username": "alice", "password": "a quiet walk by the sea"}, follow=True
    )

    assert signed_in.redirect_chain[-1][0] == reverse(
        "journeys:signed_in_again", args=["together", "listening"]
    )


# A database that is busy, locked or full


@contextmanager
def write_lock():
    """Another connection holds SQLite's write lock, as a long write elsewhere would.

    A writer here waits out the busy timeout and then fails, as on the site.
    The wait is cut to a tenth of a second so each test does not sit out five,
    and the connection is closed after, so the next test connects with the
    site's own timeout again.
    """
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        connection.close()


@pytest.fixture
def carol_client(journey) -> Client:
    client = Client()
    client.force_login(make_user("carol"))
    client.get(reverse("journeys:journey", args=[journey.slug]))  # settles the session first
    return client


@pytest.fixture
def full_database(db):
    """No room for one more page in the database file, as on a full disk."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        [pages] = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 4294967294")


@only_on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_locked_database_answers_503_and_keeps_the_text(carol_client, prompt):
    url = save_url(prompt)

    with write_lock():
        response = carol_client.post(url, box(prompt, "Not lost"), **HTMX)

    content = response.content.decode()
    assert response.status_code == 503
    assert "Not saved yet: we'll keep trying. Your text is still here." in content
    assert not Reflection.objects.exists()


@only_on_sqlite
@pytest.mark.django_db(transaction=True)
def test_without_javascript_a_locked_database_shows_the_page_with_the_text_in_the_box(
    carol_client, prompt
):
    url = stage_form_url(prompt)

    with write_lock():
        response = carol_client.post(url, pressing_save(prompt, "Still in the box"))

    content = response.content.decode()
    assert response.status_code == 503
    assert "Not saved yet" in content
    assert "Still in the box" in content
    assert "<html" in content


@only_on_sqlite
def test_a_full_database_answers_503_and_keeps_the_text(alice_client, prompt, full_database):
    text = "A long reflection that needs new pages. " * 400

    response = alice_client.post(save_url(prompt), box(prompt, text), **HTMX)

    assert response.status_code == 503
    assert "Your text is still here" in response.content.decode()


@only_on_sqlite
def test_without_javascript_a_full_database_shows_the_text_again(
    alice_client, prompt, full_database
):
    text = "Words that must not be lost. " * 500

    response = alice_client.post(stage_form_url(prompt), pressing_save(prompt, text))

    assert response.status_code == 503
    assert text.strip() in response.content.decode()


def refusing(error: Exception, statements: tuple[str, ...] = ("INSERT", "UPDATE")):
    """The database refuses these writes with `error`, raised where Django
    hands the statement to the driver: the same on every database."""
    real_execute = CursorWrapper.execute

    def execute(cursor, sql, *args, **kwargs):
        if sql.lstrip().upper().startswith(statements):
            raise error
        return real_execute(cursor, sql, *args, **kwargs)

    return mock.patch.object(CursorWrapper, "execute", execute)


BUSY = [
    OperationalError("database is locked"),
    OperationalError("database or disk is full"),
]


@pytest.mark.parametrize("error", BUSY, ids=str)
def test_a_busy_or_full_database_answers_503_and_keeps_the_text(alice_client, prompt, error):
    with refusing(error):
        response = alice_client.post(save_url(prompt), box(prompt, "Safe"), **HTMX)

    assert response.status_code == 503
    assert "Your text is still here" in response.content.decode()
    assert not Reflection.objects.exists()


def test_a_busy_postgresql_server_answers_503(alice_client, prompt):
    class SerializationFailure(Exception):
        sqlstate = "40001"

    busy = OperationalError("could not serialize access")
    busy.__cause__ = SerializationFailure()

    with refusing(busy):
        response = alice_client.post(save_url(prompt), box(prompt, "Safe"), **HTMX)

    assert response.status_code == 503


REAL_ERRORS = [
    OperationalError("no such table: journeys_reflection"),
    IntegrityError("NOT NULL constraint failed: journeys_reflection.prompt_text"),
]


@pytest.mark.parametrize("error", REAL_ERRORS, ids=str)
def test_any_other_database_error_is_reported_to_the_admins_and_keeps_the_text(
    alice_client, prompt, error, settings, mailoutbox
):
    settings.ADMINS = ["ops@example.org"]

    with refusing(error):
        response = alice_client.post(save_url(prompt), box(prompt, "Very private words"), **HTMX)

    content = response.content.decode()
    assert response.status_code == 500
    assert "<html" not in content
    assert "something went wrong on our side" in content
    assert "Not saved yet" not in content  # it is not a wait: retrying would not help
    [report] = mailoutbox
    assert "Very private words" not in report.body
    assert "Very private words" not in str(report.alternatives)


def test_without_javascript_another_database_error_shows_the_page_with_the_text(
    alice_client, prompt
):
    with refusing(IntegrityError("CHECK constraint failed")):
        response = alice_client.post(
            stage_form_url(prompt), pressing_save(prompt, "Still in the box")
        )

    content = response.content.decode()
    assert response.status_code == 500
    assert "something went wrong on our side" in content
    assert "Still in the box</textarea>" in content


# Outside a test's transaction, as a request runs: a failed UPDATE leaves the
# connection usable for the lookups that follow.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("error", BUSY, ids=str)
def test_a_database_refusing_an_update_answers_503_and_keeps_the_saved_text(
    alice_client, alice, prompt, error
):
    reflection = write(alice, prompt, "Saved before")

    data = box(prompt, "Typed since", reflection.pk, 1)
    with refusing(error, ("UPDATE",)):
        response = alice_client.post(save_url(prompt), data, **HTMX)

    assert response.status_code == 503
    assert "Your text is still here" in response.content.decode()
    assert Reflection.objects.get().text == "Saved before"


@pytest.mark.parametrize("error", BUSY, ids=str)
def test_without_javascript_a_busy_database_saves_nothing_and_keeps_every_box(
    alice_client, alice, prompt, second_prompt, error
):
    data = {**box(prompt, "First words"), **box(second_prompt, "Second words"), "status": "done"}

    with refusing(error):
        response = alice_client.post(stage_form_url(prompt), data)

    content = response.content.decode()
    assert response.status_code == 503
    assert "Not saved yet" in content
    assert "First words</textarea>" in content
    assert "Second words</textarea>" in content
    assert not Reflection.objects.exists()
    assert not StageProgress.objects.exists()
