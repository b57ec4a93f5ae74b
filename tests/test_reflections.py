import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from journeys.models import REFLECTION_MAX_LENGTH, Profile, Prompt, Reflection
from journeys.templatetags.dates_in_words import day_in_words

LIST_URL = reverse("journeys:reflections")


def prompt_in(journey, stage_slug: str = "accepting") -> Prompt:
    return Prompt.objects.get(stage__journey=journey, stage__slug=stage_slug, position=1)


def write(user, prompt: Prompt, text: str, days_ago: float = 0, **fields) -> Reflection:
    return Reflection.objects.create(
        user=user,
        prompt=prompt,
        prompt_text=prompt.text,
        text=text,
        created=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def write_many(user, prompt: Prompt, count: int) -> None:
    now = timezone.now()
    Reflection.objects.bulk_create(
        Reflection(
            user=user,
            prompt=prompt,
            prompt_text=prompt.text,
            text=f"Reflection number {number}",
            created=now - timedelta(hours=number),
        )
        for number in range(count)
    )


def in_words(content: str) -> str:
    return " ".join(content.split())


def edit_url(reflection: Reflection) -> str:
    return reverse("journeys:reflection_edit", args=[reflection.pk])


def delete_url(reflection: Reflection) -> str:
    return reverse("journeys:reflection_delete", args=[reflection.pk])


# The list


def test_it_lists_my_reflections_newest_first_under_a_heading_for_each_day(
    alice_client, alice, journey
):
    older = write(alice, prompt_in(journey), "The older thought", days_ago=3)
    newer = write(alice, prompt_in(journey, "listening"), "The newer thought", days_ago=1)
    newest = write(alice, prompt_in(journey, "listening"), "Later that day", days_ago=0.99)

    content = alice_client.get(LIST_URL).content.decode()

    assert content.count("<h1") == 1
    assert (
        content.index("Later that day")
        < content.index("The newer thought")
        < content.index("The older thought")
    )
    assert content.count(f">{day_in_words(newer.created)}</h2>") == 1
    assert day_in_words(newest.created) == day_in_words(newer.created)
    assert f">{day_in_words(older.created)}</h2>" in content
    assert "You have written 3 reflections." in content


def test_each_reflection_shows_its_stage_and_the_question_as_it_was_written(
    alice_client, alice, journey
):
    prompt = prompt_in(journey)
    reflection = write(alice, prompt, "Some words")
    prompt.text = "A reworded question"
    prompt.save()

    content = alice_client.get(LIST_URL).content.decode()

    assert "What does accepting mean to you?" in content
    assert "A reworded question" not in content
    assert f'href="{reverse("journeys:stage", args=[journey.slug, "accepting"])}"' in content
    assert f'href="{edit_url(reflection)}"' in content
    assert f'href="{delete_url(reflection)}"' in content


def test_each_reflection_says_when_it_was_written_in_my_time_zone(alice_client, alice, journey):
    # UTC+5:45: no other zone shares its minutes.
    Profile.objects.filter(user=alice).update(time_zone="Asia/Kathmandu")
    reflection = write(alice, prompt_in(journey), "Evening words")

    content = alice_client.get(LIST_URL).content.decode()

    local = reflection.created.astimezone(ZoneInfo("Asia/Kathmandu"))
    assert f"Written at {local:%H:%M}" in content
    assert f"your reflection on Accepting written at {local:%H:%M}" in content


def test_a_reflection_on_an_unpublished_stage_is_still_mine_to_read_but_not_linked(
    alice_client, alice, journey
):
    prompt = prompt_in(journey)
    write(alice, prompt, "Still mine")
    prompt.stage.published = False
    prompt.stage.save()

    content = alice_client.get(LIST_URL).content.decode()

    assert "Still mine" in content
    assert reverse("journeys:stage", args=[journey.slug, "accepting"]) not in content


def test_search_and_filter_together(alice_client, alice, journey):
    write(alice, prompt_in(journey, "accepting"), "tea in the garden")
    write(alice, prompt_in(journey, "listening"), "tea with friends")
    write(alice, prompt_in(journey, "listening"), "coffee with friends")
    listening = prompt_in(journey, "listening").stage

    content = alice_client.get(LIST_URL, {"q": "tea", "stage": listening.pk}).content.decode()

    assert "<mark>tea</mark> with friends" in content
    assert "garden" not in content
    assert "coffee" not in content
    assert "1 reflection in Listening contains “tea”." in content


def test_an_unknown_stage_is_refused_with_a_message_and_everything_is_listed(
    alice_client, alice, bob, journey
):
    write(alice, prompt_in(journey, "accepting"), "Mine")
    bobs_stage = prompt_in(journey, "pace").stage

    response = alice_client.get(LIST_URL, {"stage": bobs_stage.pk})
    content = response.content.decode()

    assert response.status_code == 200
    assert "Choose a stage from the list." in content
    assert "Mine" in content


# Pages


def test_it_shows_twenty_a_page_with_links_that_keep_the_search(alice_client, alice, journey):
    write_many(alice, prompt_in(journey), 45)

    first = alice_client.get(LIST_URL, {"q": "reflection"}).content.decode()
    last = alice_client.get(LIST_URL, {"q": "reflection", "page": 3}).content.decode()

    assert first.count('class="reflection"') == 20
    assert "45 reflections contain “reflection”. Page 1 of 3." in " ".join(first.split())
    assert 'href="?q=reflection&amp;page=2"' in first
    assert "Newer reflections" not in first
    assert last.count('class="reflection"') == 5
    assert "<mark>Reflection</mark> number 44" in last
    assert "Older reflections" not in last


@pytest.mark.parametrize("page", ["99", "nonsense", "-1"])
def test_a_page_number_out_of_range_still_shows_a_page(alice_client, alice, journey, page):
    write_many(alice, prompt_in(journey), 3)

    response = alice_client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert response.content.decode().count('class="reflection"') == 3


# htmx


def test_with_htmx_it_answers_only_the_results_from_the_same_template(alice_client, alice, journey):
    write(alice, prompt_in(journey), "We walked by the sea")

    response = alice_client.get(LIST_URL, {"q": "sea"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="reflection-results"')
    assert "We walked by the <mark>sea</mark>" in content
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(alice_client, alice, journey):
    write(alice, prompt_in(journey), "Words")

    response = alice_client.get(
        LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


def test_the_search_form_works_without_javascript_and_with_htmx(alice_client, alice, journey):
    write(alice, prompt_in(journey), "Words")

    content = alice_client.get(LIST_URL).content.decode()

    assert f'method="get" action="{LIST_URL}"' in content
    assert f'hx-get="{LIST_URL}"' in content
    assert 'hx-push-url="true"' in content


# Query counts


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("params", [{}, {"q": "number"}, {"stage": "first", "page": "2"}])
def test_the_list_runs_the_same_few_queries_however_many_reflections(
    alice_client, alice, journey, django_assert_max_num_queries, count, params
):
    prompt = prompt_in(journey)
    write_many(alice, prompt, count)
    if "stage" in params:
        params = {**params, "stage": prompt.stage.pk}
    alice_client.get(LIST_URL)  # the first visit refreshes the session

    # The session, me and my profile, the stages I wrote in (for the filter,
    # and to check the one chosen), the count and the page's reflections.
    with django_assert_max_num_queries(8):
        response = alice_client.get(LIST_URL, params)

    assert response.status_code == 200
    assert re.search(r"Reflection (<mark>)?number", response.content.decode()) or "page" in params


# Edit


def test_the_edit_page_shows_my_text_in_the_box_and_its_version(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "First draft", version=4)

    content = alice_client.get(edit_url(reflection)).content.decode()

    assert content.count("<h1") == 1
    assert "First draft</textarea>" in content
    assert 'name="version" value="4"' in content
    assert "What does accepting mean to you?" in content


def test_editing_saves_the_new_text_and_raises_the_version(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "First draft")

    response = alice_client.post(
        edit_url(reflection), {"text": "Second thoughts", "version": reflection.version}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST_URL}#reflection-{reflection.pk}"
    reflection.refresh_from_db()
    assert (reflection.text, reflection.version) == ("Second thoughts", 2)
    assert "Your reflection is saved." in alice_client.get(LIST_URL).content.decode()


def test_a_stale_edit_is_saved_at_once_as_a_separate_reflection_and_says_so(
    alice_client, alice, journey
):
    reflection = write(alice, prompt_in(journey), "Written in this tab")
    Reflection.objects.filter(pk=reflection.pk).update(text="Saved in another tab", version=2)

    response = alice_client.post(edit_url(reflection), {"text": "Typed here, late", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    reflection.refresh_from_db()
    assert (reflection.text, reflection.version) == ("Saved in another tab", 2)
    [kept] = Reflection.objects.for_user(alice).exclude(pk=reflection.pk)
    assert kept.text == "Typed here, late"
    assert kept.prompt == reflection.prompt
    content = in_words(alice_client.get(LIST_URL).content.decode())
    assert "saved as a separate reflection on the same question" in content
    assert content.index("Typed here, late") < content.index("Saved in another tab")


def test_an_edit_at_the_current_version_saves_over_it(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Old", version=2)

    response = alice_client.post(edit_url(reflection), {"text": "Mine wins", "version": 2})

    assert response.status_code == 302
    reflection.refresh_from_db()
    assert (reflection.text, reflection.version) == ("Mine wins", 3)


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_edit_is_refused_with_a_clear_message(alice_client, alice, journey, text):
    reflection = write(alice, prompt_in(journey), "Keep me")

    response = alice_client.post(edit_url(reflection), {"text": text, "version": 1})
    content = response.content.decode()

    assert response.status_code == 200
    assert "Write something before saving" in content
    assert 'href="#id_text"' in content
    reflection.refresh_from_db()
    assert reflection.text == "Keep me"


def test_an_edit_over_the_limit_is_refused_and_the_text_kept(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Short")
    too_long = "a" * (REFLECTION_MAX_LENGTH + 1)

    response = alice_client.post(edit_url(reflection), {"text": too_long, "version": 1})
    content = response.content.decode()

    assert response.status_code == 200
    assert "20,001 characters long. Please shorten it to 20,000 or fewer" in content
    assert f"{too_long}</textarea>" in content
    reflection.refresh_from_db()
    assert reflection.text == "Short"


def test_an_edit_without_a_version_is_refused(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Short")

    response = alice_client.post(edit_url(reflection), {"text": "New"})

    assert response.status_code == 200
    reflection.refresh_from_db()
    assert reflection.text == "Short"


def test_the_text_is_kept_out_of_error_reports(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Short")

    response = alice_client.post(edit_url(reflection), {"text": "private", "version": "x"})

    hidden = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert hidden["text"] != "private"


def test_someone_elses_reflection_cannot_be_edited(alice_client, bob, journey):
    theirs = write(bob, prompt_in(journey), "Bob's words")

    assert alice_client.get(edit_url(theirs)).status_code == 404
    response = alice_client.post(edit_url(theirs), {"text": "Overwritten", "version": 1})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "Bob's words"


# Delete


def test_delete_asks_first_and_shows_what_will_go(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Maybe delete me")

    response = alice_client.get(delete_url(reflection))
    content = response.content.decode()

    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert "Delete this reflection?" in content
    assert "Maybe delete me" in content
    assert 'method="post"' in content
    assert Reflection.objects.filter(pk=reflection.pk).exists()


def test_delete_removes_it_and_says_so(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Delete me")

    response = alice_client.post(delete_url(reflection))

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert "Your reflection is deleted." in alice_client.get(LIST_URL).content.decode()


def test_delete_needs_a_post(alice_client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Stay")

    assert alice_client.put(delete_url(reflection)).status_code == 405
    assert alice_client.delete(delete_url(reflection)).status_code == 405
    assert Reflection.objects.filter(pk=reflection.pk).exists()


def test_someone_elses_reflection_cannot_be_deleted(alice_client, bob, journey):
    theirs = write(bob, prompt_in(journey), "Bob's words")

    assert alice_client.get(delete_url(theirs)).status_code == 404
    assert alice_client.post(delete_url(theirs)).status_code == 404
    assert Reflection.objects.filter(pk=theirs.pk).exists()


def test_signed_out_people_cannot_edit_or_delete(client, alice, journey):
    reflection = write(alice, prompt_in(journey), "Mine")

    assert client.post(delete_url(reflection)).status_code == 302
    assert client.post(edit_url(reflection), {"text": "x", "version": 1}).status_code == 302
    reflection.refresh_from_db()
    assert reflection.text == "Mine"
