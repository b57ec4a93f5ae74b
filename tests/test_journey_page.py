"""The journey overview: every stage with its status in words, and a gentle suggestion."""

import re

import pytest
from django.urls import reverse

from journeys.models import (
    Journey,
    ProgressStatus,
    Prompt,
    Reflection,
    Stage,
    suggested_next,
)
from journeys.models import StageProgress as Progress
from tests.conftest import box

URL = reverse("journeys:journey", args=["together"])


def mark(user, slug: str, status: str) -> None:
    Progress.objects.create(user=user, stage=Stage.objects.get(slug=slug), status=status)


def status_of(content: str, title: str) -> str:
    """The status in words on the row of one stage."""
    row = content[content.index(f">{title}</a>") :]
    return re.search(r'<strong class="tag[^"]*">([^<]+)</strong>', row).group(1)


def suggested(content: str) -> str:
    row = content[content.index("task-list__item--suggested") :]
    return re.search(r'class="task-list__link"[^>]*>([^<]+)</a>', row).group(1)


IN_PROGRESS = ProgressStatus.IN_PROGRESS
NOT_READY = ProgressStatus.NOT_READY
DONE = ProgressStatus.DONE


@pytest.mark.parametrize(
    ("mine", "expected"),
    [
        ({}, "accepting"),
        ({"accepting": DONE, "pace": IN_PROGRESS}, "pace"),
        ({"accepting": NOT_READY}, "listening"),
        ({"accepting": DONE, "listening": NOT_READY, "pace": DONE}, "listening"),
        ({"accepting": DONE, "listening": DONE, "pace": DONE}, None),
    ],
)
def test_the_suggestion_is_in_progress_else_not_started_else_not_ready_never_done(
    alice, bob, journey, mine, expected
):
    # The one rule behind the overview's "Suggested next" and the home page's.
    for slug, status in mine.items():
        mark(alice, slug, status)
    mark(bob, "listening", IN_PROGRESS)  # someone else's progress does not count

    stages = Stage.objects.filter(journey=journey).with_status_for(alice).order_by("position")
    suggestion = suggested_next(stages)

    assert (suggestion.slug if suggestion else None) == expected


def test_it_asks_a_signed_out_visitor_to_sign_in(client, journey):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_journey_and_its_introduction(alice_client, journey):
    content = alice_client.get(URL).content.decode()

    assert "<h1>Together again</h1>" in content
    assert "Go at your <em>own</em> pace." in content


def test_stages_sharing_a_position_are_listed_the_older_first(alice_client, journey):
    # Renamed, the older stage no longer comes first by its slug either.
    Stage.objects.filter(slug="accepting").update(position=2, slug="waiting")

    content = alice_client.get(URL).content.decode()

    links = re.findall(r'class="task-list__link" href="([^"]+)"', content)
    assert links == [
        reverse("journeys:stage", args=["together", slug])
        for slug in ["waiting", "listening", "pace"]
    ]


def test_every_stage_is_listed_in_order_with_a_link(alice_client, journey):
    content = alice_client.get(URL).content.decode()

    links = re.findall(r'class="task-list__link" href="([^"]+)"', content)
    assert links == [
        reverse("journeys:stage", args=["together", slug])
        for slug in ["accepting", "listening", "pace"]
    ]


def test_each_stage_says_its_status_in_words(alice_client, alice, journey):
    mark(alice, "accepting", ProgressStatus.DONE)
    mark(alice, "listening", ProgressStatus.NOT_READY)

    content = alice_client.get(URL).content.decode()

    assert status_of(content, "Accepting") == "Done"
    assert status_of(content, "Listening") == "Not ready yet"
    assert status_of(content, "Your pace") == "Not started"


def test_a_stage_i_wrote_in_is_in_progress(alice_client, alice, journey):
    prompt = Prompt.objects.get(stage__slug="pace", position=1)
    alice_client.post(
        reverse("journeys:save_reflection", args=["together", "pace", prompt.pk]),
        box(prompt, "A first thought"),
        HTTP_HX_REQUEST="true",
    )

    content = alice_client.get(URL).content.decode()

    assert status_of(content, "Your pace") == "In progress"


def test_it_counts_the_stages_done(alice_client, alice, journey):
    mark(alice, "accepting", ProgressStatus.DONE)

    content = alice_client.get(URL).content.decode()

    assert "1 of 3 stages done" in content


def test_someone_elses_progress_does_not_count(alice_client, bob, journey):
    mark(bob, "accepting", ProgressStatus.DONE)

    content = alice_client.get(URL).content.decode()

    assert "0 of 3 stages done" in content
    assert status_of(content, "Accepting") == "Not started"


def test_it_suggests_the_first_stage_to_a_newcomer(alice_client, journey):
    assert suggested(alice_client.get(URL).content.decode()) == "Accepting"


def test_it_suggests_going_on_with_a_stage_in_progress(alice_client, alice, journey):
    mark(alice, "pace", ProgressStatus.IN_PROGRESS)

    assert suggested(alice_client.get(URL).content.decode()) == "Your pace"


def test_it_suggests_a_stage_not_started_before_one_not_ready_yet(alice_client, alice, journey):
    mark(alice, "accepting", ProgressStatus.NOT_READY)

    assert suggested(alice_client.get(URL).content.decode()) == "Listening"


def test_it_suggests_nothing_when_every_stage_is_done(alice_client, alice, journey):
    for slug in ["accepting", "listening", "pace"]:
        mark(alice, slug, ProgressStatus.DONE)

    content = alice_client.get(URL).content.decode()

    assert "Suggested next" not in content
    assert "3 of 3 stages done" in content


def test_the_suggestion_is_never_enforced_every_stage_stays_open(alice_client, journey):
    assert alice_client.get(reverse("journeys:stage", args=["together", "pace"])).status_code == 200


def test_it_leaves_out_unpublished_stages(alice_client, journey):
    Stage.objects.filter(slug="pace").update(published=False)

    content = alice_client.get(URL).content.decode()

    assert "Your pace" not in content
    assert "0 of 2 stages done" in content


def test_an_unpublished_journey_answers_404_to_people(alice_client, journey):
    Journey.objects.filter(pk=journey.pk).update(published=False)

    assert alice_client.get(URL).status_code == 404


def test_staff_preview_an_unpublished_journey_with_a_banner(editor_client, journey):
    client = editor_client
    Journey.objects.filter(pk=journey.pk).update(published=False)
    Stage.objects.filter(slug="pace").update(published=False)

    content = client.get(URL).content.decode()

    assert "Draft preview:" in content
    assert "Your pace" in content
    assert "Draft: people cannot see this stage yet." in content


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_takes_the_same_few_queries_however_much_i_wrote(
    alice_client, alice, journey, count, django_assert_max_num_queries
):
    prompt = Prompt.objects.get(stage__slug="listening", position=1)
    Reflection.objects.bulk_create(
        Reflection(user=alice, prompt=prompt, prompt_text="q", text="t") for _ in range(count)
    )
    mark(alice, "accepting", ProgressStatus.DONE)
    alice_client.get(URL)

    with django_assert_max_num_queries(5):
        response = alice_client.get(URL)

    assert response.status_code == 200
