"""Sharing one reflection at a time, answering together, and comparing readiness."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.models import (
    CheckIn,
    Partnership,
    Prompt,
    Reflection,
    Share,
    TogetherAnswer,
    TogetherQuestion,
)
from tests.conftest import box, make_user

WAIT_TEXT = "When you have both answered, you will both see the two answers here."
DIFFERENT_PLACES = "You may be in different places this week."


def masked(page: bytes) -> bytes:
    """The page without its random parts: CSP nonces and CSRF tokens."""
    return re.sub(rb'nonce="[^"]*"|[A-Za-z0-9]{64}', b"", page)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link(one, other) -> None:
    Partnership.objects.create(user=one, partner=other)
    Partnership.objects.create(user=other, partner=one)


@pytest.fixture
def prompt(journey) -> Prompt:
    return Prompt.objects.get(stage__slug="accepting", audience="everyone")


@pytest.fixture
def linked(alice, bob):
    link(alice, bob)


def write(user, prompt, text: str) -> Reflection:
    return Reflection.objects.create(user=user, prompt=prompt, prompt_text=prompt.text, text=text)


def share(client: Client, reflection: Reflection, action: str = "share"):
    url = reverse("journeys:partner_sharing", args=[reflection.pk])
    return client.post(url, {"action": action})


def shared_page(client: Client) -> str:
    return client.get(reverse("journeys:partner_shared")).content.decode()


def stage_page(client: Client) -> str:
    return client.get(reverse("journeys:stage", args=["together", "accepting"])).content.decode()


# Sharing


def test_nothing_is_shared_by_linking(alice, bob, linked, prompt):
    write(alice, prompt, "Alice wrote first thoughts")

    assert "Alice wrote first thoughts" not in shared_page(signed_in(bob))
    assert "Nothing is shared with you at the moment." in shared_page(signed_in(bob))


def test_a_shared_reflection_shows_its_current_text_to_the_partner(alice, bob, linked, prompt):
    reflection = write(alice, prompt, "Alice wrote first thoughts")
    share(signed_in(alice), reflection)
    Reflection.objects.for_user(alice).filter(pk=reflection.pk).update(text="Alice, edited")

    page = shared_page(signed_in(bob))

    assert "Alice, edited" in page
    assert "Alice wrote first thoughts" not in page


def test_stopping_a_share_hides_it_at_once_and_its_address_answers_404(alice, bob, linked, prompt):
    reflection = write(alice, prompt, "Alice wrote first thoughts")
    share(signed_in(alice), reflection)
    own_address = reverse("journeys:partner_shared_one", args=[Share.objects.get().pk])
    assert signed_in(bob).get(own_address).status_code == 200

    response = share(signed_in(alice), reflection, "stop")

    assert response.status_code == 302
    assert "Alice wrote first thoughts" not in shared_page(signed_in(bob))
    assert signed_in(bob).get(own_address).status_code == 404


def test_sharing_is_one_reflection_at_a_time(alice, bob, linked, prompt):
    shared, kept = write(alice, prompt, "Shared words"), write(alice, prompt, "Kept words")

    share(signed_in(alice), shared)

    page = shared_page(signed_in(bob))
    assert "Shared words" in page and "Kept words" not in page
    assert Share.objects.for_user(alice).count() == 1
    assert "Share all" not in stage_page(signed_in(alice))
    assert kept.pk  # never shared


def test_the_share_button_says_the_partner_sees_later_edits(alice, linked, prompt):
    # Written yesterday: today's would be back in its box, to go on with.
    earlier = write(alice, prompt, "Alice wrote first thoughts")
    Reflection.objects.filter(pk=earlier.pk).update(created=timezone.now() - timedelta(days=1))

    page = stage_page(signed_in(alice))

    assert "Share with bob" in page
    assert "and any change you make to it" in page


def test_todays_reflection_in_its_box_can_be_shared_and_says_when_it_is(alice, linked, prompt):
    today = write(alice, prompt, "Written this morning")
    client = signed_in(alice)
    control = f'id="sharing-{today.pk}"'

    before = stage_page(client)
    share(client, today)
    after = stage_page(client)

    assert before.count(control) == 1 and "Shared with bob" not in before
    assert after.count(control) == 1 and "Shared with bob" in after


def test_solo_pages_show_nothing_about_partners(alice, prompt):
    write(alice, prompt, "Alice alone")
    client = signed_in(alice)

    for page in (stage_page(client), client.get(reverse("journeys:reflections")).content.decode()):
        assert "Share with" not in page
        assert "Answer this together" not in page
        assert "partner" not in page.lower().replace("as the partner, what about", "")


def test_sharing_is_refused_without_a_partner(alice, prompt):
    reflection = write(alice, prompt, "Alice alone")

    share(signed_in(alice), reflection)

    assert not Share.objects.for_user(alice).exists()


def test_the_htmx_share_answers_with_the_control_alone(alice, linked, prompt):
    reflection = write(alice, prompt, "Alice wrote first thoughts")
    url = reverse("journeys:partner_sharing", args=[reflection.pk])

    response = signed_in(alice).post(url, {"action": "share"}, headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert "Shared with bob" in response.content.decode()


def test_shared_with_me_groups_by_stage_newest_first(alice, bob, linked, journey):
    first = Prompt.objects.get(stage__slug="accepting", audience="everyone")
    third = Prompt.objects.get(stage__slug="pace", audience="everyone")
    older = write(alice, first, "Older words")
    Reflection.objects.for_user(alice).filter(pk=older.pk).update(
        created=timezone.now() - timedelta(days=2)
    )
    for reflection in (
        older,
        write(alice, third, "Pace words"),
        write(alice, first, "Newer words"),
    ):
        share(signed_in(alice), reflection)

    page = shared_page(signed_in(bob))

    assert page.index("Accepting") < page.index("Newer words") < page.index("Older words")
    assert page.index("Older words") < page.index("Your pace") < page.index("Pace words")


@pytest.mark.parametrize("count", [1, 200])
def test_shared_with_me_takes_the_same_few_queries_however_much_is_shared(
    alice, bob, linked, prompt, count, django_assert_max_num_queries
):
    reflections = Reflection.objects.bulk_create(
        Reflection(user=alice, prompt=prompt, prompt_text=prompt.text, text=f"Words {n}")
        for n in range(count)
    )
    Share.objects.bulk_create(Share(reflection=reflection) for reflection in reflections)
    client = signed_in(bob)
    client.get(reverse("journeys:partner_shared"))

    with django_assert_max_num_queries(6):
        page = shared_page(client)

    assert f"Words {count - 1}" in page


def test_unlinking_stops_every_share_and_relinking_shows_nothing_again(alice, bob, linked, prompt):
    reflection = write(alice, prompt, "Alice wrote first thoughts")
    share(signed_in(alice), reflection)

    signed_in(bob).post(reverse("journeys:partner_unlink"))
    link(alice, bob)

    assert "Alice wrote first thoughts" not in shared_page(signed_in(bob))


def test_deleting_my_account_removes_everything_of_mine_from_my_partners_views(
    alice, bob, linked, prompt
):
    reflection = write(alice, prompt, "Alice wrote first thoughts")
    share(signed_in(alice), reflection)
    share(signed_in(bob), write(bob, prompt, "Bob wrote words"))

    signed_in(alice).post(reverse("account_delete"), {"password": "a quiet walk by the sea"})

    assert "Alice wrote first thoughts" not in shared_page(signed_in(bob))
    assert Partnership.objects.for_user(bob).count() == 0
    assert Share.objects.for_user(bob).count() == 0


def test_my_export_holds_only_my_text_and_says_what_i_share(alice, bob, linked, prompt):
    share(signed_in(alice), write(alice, prompt, "Alice wrote shared words"))
    write(alice, prompt, "Alice wrote private words")
    share(signed_in(bob), write(bob, prompt, "Bob wrote shared words"))
    client = signed_in(alice)

    data = client.get(reverse("account_export_json")).json()
    markdown = client.get(reverse("account_export_md")).content.decode()

    shared = {r["text"]: r["shared_with_partner"] for r in data["reflections"]}
    assert shared == {"Alice wrote shared words": True, "Alice wrote private words": False}
    assert "Bob wrote shared words" not in markdown


# Answering together


def ask(client: Client, prompt: Prompt) -> TogetherQuestion:
    response = client.post(reverse("journeys:partner_ask", args=[prompt.pk]))
    return TogetherQuestion.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])


def answer(client: Client, question: TogetherQuestion, text: str, *held):
    """Presses "Save my answer" with `text` in the box (and, with `held`, the
    id and version of the reflection the box has been saving into)."""
    url = reverse("journeys:partner_together", args=[question.pk])
    return client.post(url, {**box(question.prompt, text, *held), "action": "answer"})


def together_page(client: Client, question: TogetherQuestion) -> str:
    return client.get(reverse("journeys:partner_together", args=[question.pk])).content.decode()


def test_answers_are_revealed_only_when_both_have_answered(alice, bob, linked, prompt):
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    question = ask(alice_client, prompt)

    answer(bob_client, question, "Bob wrote answer")
    alice_sees = together_page(alice_client, question)
    bob_sees = together_page(bob_client, question)
    answer(alice_client, question, "Alice wrote answer")

    assert "Bob wrote answer" not in alice_sees
    assert WAIT_TEXT in bob_sees and "Alice wrote answer" not in bob_sees
    for client in (alice_client, bob_client):
        page = together_page(client, question)
        assert "Bob wrote answer" in page and "Alice wrote answer" in page


def test_the_page_before_answering_is_the_same_whether_or_not_the_partner_answered(
    alice, bob, linked, prompt
):
    alice_client = signed_in(alice)
    question = ask(alice_client, prompt)
    before = together_page(alice_client, question)

    answer(signed_in(bob), question, "Bob wrote answer")

    assert masked(together_page(alice_client, question).encode()) == masked(before.encode())


def test_a_withdrawn_answer_disappears_from_the_partners_view_at_once(alice, bob, linked, prompt):
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    question = ask(alice_client, prompt)
    answer(alice_client, question, "Alice wrote answer")
    answer(bob_client, question, "Bob wrote answer")

    url = reverse("journeys:partner_together", args=[question.pk])
    alice_client.post(url, {"action": "withdraw"})

    assert "Alice wrote answer" not in together_page(bob_client, question)
    assert [r.text for r in Reflection.objects.for_user(alice)] == ["Alice wrote answer"]


def test_an_answer_is_the_authors_own_reflection(alice, bob, linked, prompt):
    question = ask(signed_in(alice), prompt)

    answer(signed_in(alice), question, "Alice wrote answer")

    assert Reflection.objects.for_user(alice).get().text == "Alice wrote answer"


def test_an_answer_saved_as_i_wrote_it_is_the_one_given_not_a_copy(alice, bob, linked, prompt):
    alice_client = signed_in(alice)
    question = ask(alice_client, prompt)
    # The box saved as she wrote (as the page's autosave does).
    draft = Reflection.save_box(alice, prompt, reflection=None, version=None, text="First words")

    answer(alice_client, question, "First words, then more", draft.reflection.pk, 1)

    mine = Reflection.objects.for_user(alice).get()
    assert (mine.pk, mine.text) == (draft.reflection.pk, "First words, then more")
    assert TogetherAnswer.objects.get(user=alice).reflection_id == mine.pk


def test_the_answer_box_holds_what_i_wrote_on_the_question_today(alice, bob, linked, prompt):
    alice_client = signed_in(alice)
    question = ask(alice_client, prompt)
    written = write(alice, prompt, "Saved while I was writing")

    page = alice_client.get(reverse("journeys:partner_together", args=[question.pk]))

    content = page.content.decode()
    assert "Saved while I was writing</textarea>" in content
    assert f'name="p{prompt.pk}-reflection" value="{written.pk}"' in content
    # It saves as it is written, as the stage page's boxes do.
    save = reverse(
        "journeys:save_reflection", args=[prompt.stage.journey.slug, prompt.stage.slug, prompt.pk]
    )
    assert f'hx-post="{save}"' in content


def test_a_together_question_shows_on_the_stage_page_and_partner_page_for_both(
    alice, bob, linked, prompt
):
    ask(signed_in(alice), prompt)

    for client in (signed_in(alice), signed_in(bob)):
        assert "Answering together with" in stage_page(client)
        partner_page = client.get(reverse("journeys:partner")).content.decode()
        assert prompt.text in partner_page


def test_answer_this_together_is_offered_only_beside_questions_for_everyone(alice, linked, prompt):
    page = stage_page(signed_in(alice))

    assert page.count("Answer this together") == 1


def test_an_empty_answer_is_refused_in_plain_words(alice, linked, prompt):
    question = ask(signed_in(alice), prompt)

    response = answer(signed_in(alice), question, "   ")

    assert response.status_code == 422
    assert "Write your answer first." in response.content.decode()


# Readiness


def check_in(user, journey, readiness: int, days_ago: int = 0) -> None:
    CheckIn.objects.create(
        user=user,
        journey=journey,
        readiness=readiness,
        created=timezone.now() - timedelta(days=days_ago),
    )


def opt_in(user, on: bool = True) -> None:
    signed_in(user).post(reverse("journeys:partner_readiness"), {"compares": "on" if on else ""})


def check_ins_page(user, journey) -> str:
    return signed_in(user).get(reverse("journeys:check_ins", args=[journey.slug])).content.decode()


@pytest.mark.parametrize(
    "alice_opts, bob_opts, alice_says, bob_says, bob_days_ago, shown",
    [
        (True, True, 1, 4, 0, True),
        (True, True, 2, 3, 0, False),
        (True, False, 1, 4, 0, False),
        (False, True, 1, 4, 0, False),
        (True, True, 1, 4, 8, False),
    ],
)
def test_the_one_sentence_shows_to_both_only_when_both_opted_in_checked_in_and_differ(
    alice, bob, linked, journey, alice_opts, bob_opts, alice_says, bob_says, bob_days_ago, shown
):
    check_in(alice, journey, alice_says)
    check_in(bob, journey, bob_says, bob_days_ago)
    opt_in(alice, alice_opts)
    opt_in(bob, bob_opts)

    for person in (alice, bob):
        assert (DIFFERENT_PLACES in check_ins_page(person, journey)) is shown


def test_a_check_in_saved_with_htmx_updates_the_sentence_in_place(alice, bob, linked, journey):
    check_in(bob, journey, 5)
    opt_in(alice)
    opt_in(bob)
    address = reverse("journeys:check_ins", args=[journey.slug])

    answer = signed_in(alice).post(address, {"readiness": 1}, HTTP_HX_REQUEST="true")

    sentence = answer.content.decode().split('id="compare-readiness"')[1]
    assert answer.status_code == 200
    assert 'hx-swap-oob="true"' in sentence.split(">")[0]
    assert DIFFERENT_PLACES in sentence


def test_the_comparison_never_shows_the_partners_answer(alice, bob, linked, journey):
    check_in(alice, journey, 1)
    check_in(bob, journey, 5)
    opt_in(alice)
    opt_in(bob)

    page = check_ins_page(alice, journey)

    assert DIFFERENT_PLACES in page
    assert "5 of 5" not in page and "Very ready</td>" not in page


def test_switching_off_hides_the_sentence_for_both(alice, bob, linked, journey):
    check_in(alice, journey, 1)
    check_in(bob, journey, 5)
    opt_in(alice)
    opt_in(bob)

    opt_in(bob, on=False)

    assert DIFFERENT_PLACES not in check_ins_page(alice, journey)
    assert DIFFERENT_PLACES not in check_ins_page(bob, journey)


def test_no_page_tells_whether_the_partner_wrote_answered_or_checked_in(
    alice, bob, linked, journey, prompt
):
    client = signed_in(alice)
    urls = [reverse("journeys:partner"), reverse("journeys:partner_shared")]
    urls += [reverse("journeys:check_ins", args=[journey.slug])]
    before = [client.get(url).content for url in urls]

    write(bob, prompt, "Bob wrote")
    check_in(bob, journey, 3)
    opt_in(bob)

    assert [masked(client.get(url).content) for url in urls] == [masked(p) for p in before]


def test_a_stranger_cannot_share_into_someone_elses_pair(alice, bob, linked, prompt, db):
    carol = make_user("carol")
    reflection = write(carol, prompt, "Carol wrote words")

    share(signed_in(carol), reflection)

    assert "Carol wrote words" not in shared_page(signed_in(bob))


def test_without_javascript_sharing_returns_to_the_same_reflection_on_the_page(
    alice, linked, prompt
):
    reflection = write(alice, prompt, "Alice wrote about accepting")
    stage = reverse("journeys:stage", args=["together", "accepting"])
    url = reverse("journeys:partner_sharing", args=[reflection.pk])

    response = signed_in(alice).post(url, {"action": "share", "back": f"{stage}#sharing-1"})
    elsewhere = signed_in(alice).post(url, {"action": "stop", "back": "https://example.org/"})

    assert response["Location"] == f"{stage}#sharing-1"
    assert elsewhere["Location"] == reverse("journeys:reflections")
