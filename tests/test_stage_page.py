"""The stage page: introduction, the prompts meant for me, my earlier reflections, drafts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.models import (
    Journey,
    Profile,
    Prompt,
    Reflection,
    Role,
    Stage,
    StageProgress,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def stage_url(slug: str = "listening") -> str:
    return reverse("journeys:stage", args=["together", slug])


def write(user, prompt: Prompt, text: str, created: datetime | None = None) -> Reflection:
    return Reflection.objects.create(
        user=user,
        prompt=prompt,
        prompt_text=prompt.text,
        text=text,
        created=created or timezone.now(),
    )


@pytest.fixture
def everyones_prompt(journey) -> Prompt:
    return Prompt.objects.get(stage__slug="listening", position=1)


def test_it_asks_a_signed_out_visitor_to_sign_in(client, journey):
    response = client.get(stage_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_introduction_and_the_stage_number(alice_client, journey):
    content = alice_client.get(stage_url()).content.decode()

    assert "<h1>Listening</h1>" in content
    assert "Some gentle words about <strong>listening</strong>." in content
    assert "Stage 2 of 3" in content


def test_it_shows_the_prompts_for_everyone_and_for_my_role(alice_client, journey):
    content = alice_client.get(stage_url()).content.decode()

    assert "What does listening mean to you?" in content
    assert "As the one recovering, what about listening?" in content
    assert "As the partner, what about listening?" not in content


def test_someone_who_rather_not_say_sees_only_the_prompts_for_everyone(client, journey):
    person = User.objects.create_user("dana")
    Profile.objects.filter(user=person).update(role=Role.NOT_SAID)
    client.force_login(person)

    content = client.get(stage_url()).content.decode()

    assert "What does listening mean to you?" in content
    assert "what about listening?" not in content


def test_a_role_changed_on_the_account_page_changes_the_prompts_at_once(alice_client, journey):
    data = {"username": "alice", "email": "", "role": Role.PARTNER, "time_zone": "Europe/London"}
    alice_client.post(reverse("account"), data)

    content = alice_client.get(stage_url()).content.decode()

    assert "As the partner, what about listening?" in content
    assert "As the one recovering" not in content


def test_a_role_and_time_zone_changed_on_one_device_show_at_once_on_another(
    alice, journey, everyones_prompt
):
    write(alice, everyones_prompt, "At noon in London", datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    laptop, phone = Client(), Client()
    laptop.force_login(alice)
    phone.force_login(alice)
    assert "As the one recovering, what about listening?" in phone.get(stage_url()).content.decode()

    data = {"username": "alice", "email": "", "role": Role.PARTNER, "time_zone": "Asia/Tokyo"}
    laptop.post(reverse("account"), data)
    content = phone.get(stage_url()).content.decode()

    assert "As the partner, what about listening?" in content
    assert "As the one recovering" not in content
    assert "at 21:00" in content


def test_each_prompt_has_a_box_that_saves_to_it(alice_client, journey, everyones_prompt):
    content = alice_client.get(stage_url()).content.decode()
    save = reverse("journeys:save_reflection", args=["together", "listening", everyones_prompt.pk])

    page_form = reverse("journeys:save_stage", args=["together", "listening"])
    box = f"p{everyones_prompt.pk}"

    assert f'hx-post="{save}" hx-include="this"' in content
    assert 'hx-trigger="input changed delay:1s' in content
    # Without JavaScript the box belongs to the page's one form, which any Save sends.
    assert f'id="writing-form" method="post" action="{page_form}"' in content
    assert f'<textarea name="{box}-text"' in content
    assert f'form="writing-form" aria-describedby="{box}-text_helptext"' in content
    assert f'form="writing-form" name="save" value="{everyones_prompt.pk}"' in content
    assert f'<label class="label" for="p{everyones_prompt.pk}-text">' in content
    assert 'role="status"' in content


def test_my_earlier_reflections_are_under_their_prompt_newest_first(
    alice_client, alice, everyones_prompt
):
    write(alice, everyones_prompt, "The older one", timezone.now() - timedelta(days=2))
    write(alice, everyones_prompt, "The newer one")

    content = alice_client.get(stage_url()).content.decode()

    assert "What you wrote before" in content
    assert content.index("The newer one") < content.index("The older one")


def test_each_earlier_reflection_has_its_date_in_words_in_my_time_zone(
    alice_client, alice, everyones_prompt
):
    Profile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")  # UTC+9 all year
    year = timezone.now().year
    written = datetime(year, 3, 3, 5, 2, tzinfo=UTC)  # 14:02 in Tokyo
    write(alice, everyones_prompt, "Morning words", written)

    content = alice_client.get(stage_url()).content.decode()

    weekday = written.strftime("%A")
    assert f"{weekday} 3 March at 14:02" in content


def test_it_never_shows_someone_elses_reflections(alice_client, bob, everyones_prompt):
    write(bob, everyones_prompt, "Bob's private words")

    content = alice_client.get(stage_url()).content.decode()

    assert "Bob's private words" not in content
    assert "What you wrote before" not in content


def test_it_shows_the_three_newest_and_links_to_all_of_them_in_my_reflections(
    alice_client, alice, everyones_prompt
):
    for n in range(5):
        write(alice, everyones_prompt, f"Entry {n}", timezone.now() - timedelta(days=n + 1))

    content = alice_client.get(stage_url()).content.decode()

    assert content.index("Entry 0") < content.index("Entry 1") < content.index("Entry 2")
    assert "Entry 3" not in content
    assert "You have written 5 reflections on this question; the newest are above." in content
    all_of_them = f"{reverse('journeys:reflections')}?stage={everyones_prompt.stage_id}"
    assert f'<a href="{all_of_them}">See everything you wrote in Listening</a>' in content


def test_each_prompt_shows_its_own_newest_whatever_the_others_hold(
    alice_client, alice, everyones_prompt
):
    recovering = Prompt.objects.get(stage__slug="listening", position=2)
    for n in range(5):
        write(alice, everyones_prompt, f"Many {n}", timezone.now() - timedelta(days=n + 1))
    write(alice, recovering, "Few 0", timezone.now() - timedelta(days=9))
    write(alice, recovering, "Few 1", timezone.now() - timedelta(days=10))

    content = alice_client.get(stage_url()).content.decode()

    assert "Many 2" in content and "Many 3" not in content
    assert content.index("Many 2") < content.index("Few 0") < content.index("Few 1")
    assert content.count("You have written") == 1


def test_three_reflections_need_no_link_to_the_rest(alice_client, alice, everyones_prompt):
    for n in range(3):
        write(alice, everyones_prompt, f"Entry {n}")

    content = alice_client.get(stage_url()).content.decode()

    assert "Entry 2" in content
    assert "You have written" not in content


def test_it_links_the_previous_and_next_stages(alice_client, journey):
    content = alice_client.get(stage_url()).content.decode()

    assert f'href="{stage_url("accepting")}" rel="prev"' in content
    assert f'href="{stage_url("pace")}" rel="next"' in content


def test_the_first_stage_has_no_previous_link(alice_client, journey):
    content = alice_client.get(stage_url("accepting")).content.decode()

    assert 'rel="prev"' not in content
    assert 'rel="next"' in content


def test_it_offers_to_mark_the_stage_done_or_not_ready_yet(alice_client, journey):
    content = alice_client.get(stage_url()).content.decode()

    assert "Mark as done" in content
    assert "Not ready yet" in content
    assert "Not started" in content


def test_start_a_new_reflection_answers_with_just_that_prompt_and_an_empty_box(
    alice_client, alice, everyones_prompt
):
    write(alice, everyones_prompt, "Just saved")

    response = alice_client.get(f"{stage_url()}?prompt={everyones_prompt.pk}", **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count('<section class="prompt"') == 1
    assert "Just saved" in content  # now among the earlier ones
    assert f'name="p{everyones_prompt.pk}-reflection" form=' in content
    assert "autofocus" in content


def test_start_a_new_reflection_for_a_prompt_not_on_this_page_answers_404(alice_client, journey):
    partners_prompt = Prompt.objects.get(stage__slug="listening", position=3)

    response = alice_client.get(f"{stage_url()}?prompt={partners_prompt.pk}", **HTMX)

    assert response.status_code == 404


def test_an_unknown_stage_answers_404(alice_client, journey):
    assert alice_client.get(stage_url("nowhere")).status_code == 404


def test_an_unpublished_stage_answers_404_to_people(alice_client, journey):
    Stage.objects.filter(slug="listening").update(published=False)

    assert alice_client.get(stage_url()).status_code == 404


def test_a_stage_of_an_unpublished_journey_answers_404_to_people(alice_client, journey):
    Journey.objects.filter(pk=journey.pk).update(published=False)

    assert alice_client.get(stage_url()).status_code == 404


def test_staff_preview_a_draft_stage_as_people_will_see_it_with_a_banner(editor_client, journey):
    Stage.objects.filter(slug="listening").update(published=False)

    response = editor_client.get(stage_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Draft preview:" in content
    assert "people cannot see this yet." in content
    assert "What does listening mean to you?" in content


def test_staff_without_the_journeys_permissions_see_only_what_people_see(client, journey):
    client.force_login(User.objects.create_user("helpdesk", is_staff=True))
    Stage.objects.filter(slug="listening").update(published=False)

    assert client.get(stage_url()).status_code == 404


def test_staff_see_no_banner_on_a_published_stage(editor_client, journey):
    content = editor_client.get(stage_url()).content.decode()

    assert "Draft preview" not in content


def test_the_page_has_one_heading_no_inline_style_and_its_script_carries_the_csp_nonce(
    alice_client, journey
):
    response = alice_client.get(stage_url())

    content = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert content.count("<h1") == 1
    assert "style=" not in content
    assert "hx-on" not in content
    assert "js:" not in content
    # Every script is a file of the site's own, or carries the nonce.
    for script in re.findall(r"<script[^>]*>", content):
        assert f'nonce="{nonce}"' in script or 'src="/static/' in script
    assert '<script src="/static/js/autosave.js" defer></script>' in content


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_takes_the_same_few_queries_however_much_i_wrote(
    alice_client, alice, journey, everyones_prompt, count, django_assert_max_num_queries
):
    recovering = Prompt.objects.get(stage__slug="listening", position=2)
    Reflection.objects.bulk_create(
        Reflection(
            user=alice,
            prompt=everyones_prompt if n % 2 else recovering,
            prompt_text="q",
            text=f"Note {n}",
        )
        for n in range(count)
    )
    StageProgress.objects.create(user=alice, stage=everyones_prompt.stage, status="in_progress")
    url = stage_url()
    alice_client.get(url)

    # However much I wrote, a few queries: the session, me and my profile, the
    # stages with my progress, the prompts with my counts, the newest of mine,
    # whether I am linked with a partner.
    with django_assert_max_num_queries(7):
        response = alice_client.get(url)

    assert response.status_code == 200
    assert f"Note {count - 1}" in response.content.decode()


def test_an_editors_change_shows_at_once_though_the_journey_is_cached(
    alice_client, journey, everyones_prompt
):
    alice_client.get(stage_url())  # now cached
    stage = everyones_prompt.stage
    stage.title = "Listening, rewritten"
    stage.save()
    everyones_prompt.text = "A question put another way?"
    everyones_prompt.save()

    page = alice_client.get(stage_url()).content.decode()

    assert "Listening, rewritten" in page
    assert "A question put another way?" in page

    stage.published = False
    stage.save()
    assert alice_client.get(stage_url()).status_code == 404


# Coming back the same day


def test_coming_back_the_same_day_the_box_holds_todays_reflection_to_go_on_with(
    alice_client, alice, everyones_prompt
):
    write(alice, everyones_prompt, "Yesterday's words", timezone.now() - timedelta(days=1))
    today = write(alice, everyones_prompt, "This morning's words")

    content = alice_client.get(stage_url()).content.decode()
    box = content[content.index(f'id="form-{everyones_prompt.pk}"') :]

    assert "This morning&#x27;s words</textarea>" in box
    assert f'name="p{everyones_prompt.pk}-reflection" value="{today.pk}"' in box
    assert f'name="p{everyones_prompt.pk}-version" value="{today.version}"' in box
    earlier = box[box.index('class="earlier"') :]
    assert "Yesterday&#x27;s words" in earlier
    assert "This morning" not in earlier


def test_a_reflection_of_an_earlier_day_is_not_put_back_in_the_box(
    alice_client, alice, everyones_prompt
):
    write(alice, everyones_prompt, "Yesterday's words", timezone.now() - timedelta(days=1))

    content = alice_client.get(stage_url()).content.decode()

    assert f'id="p{everyones_prompt.pk}-text">\n</textarea>' in content
    assert "Yesterday&#x27;s words" in content
