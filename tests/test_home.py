from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import CheckIn, ProgressStatus, Prompt, Reflection, Stage, StageProgress
from journeys.templatetags.dates_in_words import on_day_in_words

HOME = reverse("home")


def stage_url(journey, slug: str) -> str:
    return reverse("journeys:stage", args=[journey.slug, slug])


def write_in(user, journey, stage_slug: str, days_ago: int = 0) -> Reflection:
    prompt = Prompt.objects.get(stage__journey=journey, stage__slug=stage_slug, position=1)
    return Reflection.objects.create(
        user=user,
        prompt=prompt,
        prompt_text=prompt.text,
        text="Some words",
        created=timezone.now() - timedelta(days=days_ago),
    )


def mark(user, journey, stage_slug: str, status: str) -> None:
    stage = Stage.objects.get(journey=journey, slug=stage_slug)
    StageProgress.objects.create(user=user, stage=stage, status=status)


def test_signed_out_it_still_introduces_nearer(client, journey):
    content = client.get(HOME).content.decode()

    assert "Create a private account" in content
    assert "Continue where you left off" not in content


def test_it_continues_at_the_stage_of_my_latest_reflection(alice_client, alice, journey):
    write_in(alice, journey, "accepting", days_ago=5)
    latest = write_in(alice, journey, "listening", days_ago=1)

    content = alice_client.get(HOME).content.decode()

    assert "Continue where you left off" in content
    assert f'href="{stage_url(journey, "listening")}"' in content
    assert "Continue with Listening" in content
    assert f"You last wrote here {on_day_in_words(latest.created)}." in content


def test_without_reflections_it_suggests_the_first_stage_not_done(alice_client, alice, journey):
    mark(alice, journey, "accepting", ProgressStatus.DONE)

    content = alice_client.get(HOME).content.decode()

    assert "Where you might go next" in content
    assert f'href="{stage_url(journey, "listening")}"' in content
    assert f'href="{stage_url(journey, "accepting")}"' not in content


def test_the_suggestion_passes_over_stages_marked_not_ready_yet(alice_client, alice, journey):
    mark(alice, journey, "accepting", ProgressStatus.NOT_READY)

    content = alice_client.get(HOME).content.decode()

    assert f'href="{stage_url(journey, "listening")}"' in content


def test_when_every_stage_is_done_it_says_so_kindly(alice_client, alice, journey):
    for slug in ["accepting", "listening", "pace"]:
        mark(alice, journey, slug, ProgressStatus.DONE)

    content = alice_client.get(HOME).content.decode()

    assert "You have been through every stage" in content
    assert f'href="{reverse("journeys:journey", args=[journey.slug])}"' in content


def test_someone_elses_reflections_do_not_steer_my_home_page(alice_client, bob, journey):
    write_in(bob, journey, "pace")

    content = alice_client.get(HOME).content.decode()

    assert "Continue where you left off" not in content
    assert "Welcome to Nearer, alice" in content


def test_it_shows_my_last_check_in_in_words(alice_client, alice, bob, journey):
    CheckIn.objects.create(
        user=alice, journey=journey, readiness=2, created=timezone.now() - timedelta(days=9)
    )
    latest = CheckIn.objects.create(user=alice, journey=journey, readiness=4)
    CheckIn.objects.create(user=bob, journey=journey, readiness=1)

    content = alice_client.get(HOME).content.decode()

    assert (
        f"checked in, {on_day_in_words(latest.created)}, you felt: <strong>Mostly ready</strong>"
        in content
    )
    assert "A little ready" not in content
    assert "Not at all ready" not in content


def test_it_links_to_the_journey_check_ins_and_my_reflections(alice_client, journey):
    content = alice_client.get(HOME).content.decode()

    assert content.count("<h1") == 1
    assert "You have not checked in yet" in content
    assert f'href="{reverse("journeys:journey", args=[journey.slug])}"' in content
    assert f'href="{reverse("journeys:check_ins", args=[journey.slug])}"' in content
    assert f'href="{reverse("journeys:reflections")}"' in content


@pytest.mark.parametrize("count", [1, 50])
def test_the_home_page_runs_the_same_few_queries_however_much_i_wrote(
    alice_client, alice, journey, django_assert_max_num_queries, count
):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    Reflection.objects.bulk_create(
        Reflection(user=alice, prompt=prompt, prompt_text=prompt.text, text=f"{n}")
        for n in range(count)
    )
    CheckIn.objects.bulk_create(
        CheckIn(user=alice, journey=journey, readiness=3) for _ in range(count)
    )
    alice_client.get(HOME)  # the first visit refreshes the session

    with django_assert_max_num_queries(6):
        response = alice_client.get(HOME)

    assert "Continue where you left off" in response.content.decode()


def test_without_reflections_the_suggestion_costs_one_more_query(
    alice_client, alice, journey, django_assert_max_num_queries
):
    for slug in ["accepting", "listening"]:
        mark(alice, journey, slug, ProgressStatus.DONE)
    alice_client.get(HOME)

    with django_assert_max_num_queries(7):
        response = alice_client.get(HOME)

    assert f'href="{stage_url(journey, "pace")}"' in response.content.decode()
