"""Only the author can reach their data: a guard over every address of the site."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from journeys.models import (
    CareQuestion,
    CheckIn,
    Partnership,
    Profile,
    Prompt,
    Readiness,
    Reflection,
    Share,
    StageProgress,
    TogetherAnswer,
    TogetherQuestion,
)
from tests.conftest import box, make_user
from tests.security.routes import PUBLIC, content_kwargs, site_routes

BOBS_TEXT = "Bob wrote this private reflection, for nobody else"
BOBS_NOTE = "Bob wrote this private check-in note"
BOBS_QUESTION = "A private question from Bob for his care team"
# The invitation link's code is itself the secret that lets a person who is
# not the inviter open it; tests/test_partner_linking.py covers it.
INVITATION_LINK = "journeys:partner_join"


def link(one, other) -> None:
    Partnership.objects.create(user=one, partner=other)
    Partnership.objects.create(user=other, partner=one)


@pytest.fixture
def dora(db):
    """Bob's partner now."""
    return make_user("dora")


@pytest.fixture
def eve(db):
    """Bob's partner once, who unlinked."""
    return make_user("eve")


@pytest.fixture
def bobs_data(bob, dora, eve, journey) -> dict:
    """Bob's rows, each at a pk no other table uses, so a pk names one object
    only; bob shared his reflection with eve, unlinked, and shares it and
    answers a question together with dora now."""
    prompt = Prompt.objects.filter(stage__journey=journey, audience="everyone").first()
    reflection = Reflection.objects.create(
        pk=1001, user=bob, prompt=prompt, prompt_text=prompt.text, text=BOBS_TEXT
    )
    link(bob, eve)
    Share.objects.create(reflection=reflection)
    TogetherQuestion.objects.create(prompt=prompt, asked_by=bob, asked_of=eve)
    Partnership.objects.unlink(bob)
    link(bob, dora)
    question = TogetherQuestion.objects.create(pk=5005, prompt=prompt, asked_by=bob, asked_of=dora)
    answer = Reflection.objects.create(
        pk=1006, user=bob, prompt=prompt, prompt_text=prompt.text, text=BOBS_TEXT
    )
    TogetherAnswer.objects.create(question=question, user=bob, reflection=answer)
    return {
        "reflection": reflection,
        "share": Share.objects.create(pk=4004, reflection=reflection),
        "together": question,
        "check_in": CheckIn.objects.create(
            pk=2002, user=bob, journey=journey, readiness=Readiness.PARTLY, note=BOBS_NOTE
        ),
        "progress": StageProgress.objects.create(
            pk=3003, user=bob, stage=prompt.stage, status="done"
        ),
        "profile": Profile.objects.get(user=bob),
        "care_question": CareQuestion.objects.create(pk=7007, user=bob, text=BOBS_QUESTION),
    }


@pytest.fixture
def content(journey):
    stage = journey.stages.order_by("position").first()
    return journey, stage, stage.prompts.filter(audience="everyone").first()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url_for(route, content, **extra) -> str:
    return reverse(route.name, kwargs={**content_kwargs(route, *content), **extra})


def test_the_guard_sees_the_addresses_of_user_data():
    names = {route.name for route in site_routes() if route.takes_user_data}

    assert {
        "journeys:reflection_edit",
        "journeys:reflection_delete",
        "journeys:check_in_change",
        "journeys:check_in_delete",
    } <= names


def test_another_person_gets_404_for_every_address_of_someone_elses_data(
    alice, bob, dora, eve, bobs_data, content
):
    """Bob's own data answers only bob; what he shares or answers with dora
    answers the two of them; a stranger (alice) and a former partner (eve)
    get 404 everywhere, and dora too for what is bob's alone."""
    insiders = {"bob": signed_in(bob), "dora": signed_in(dora)}
    everyone = {**insiders, "alice": signed_in(alice), "eve": signed_in(eve)}
    not_covered = []
    routes = [r for r in site_routes() if r.takes_user_data and r.name not in PUBLIC]
    for route in [r for r in routes if r.name != INVITATION_LINK]:
        [id_name] = route.parameters - {"journey_slug", "stage_slug", "prompt_id"}
        owned, owners = None, set()
        for row in bobs_data.values():
            url = url_for(route, content, **{id_name: row.pk})
            owners = {name for name, c in insiders.items() if c.get(url).status_code != 404}
            if owners:
                owned = url
                break
        if owned is None:
            not_covered.append(route.name)
            continue
        assert {"alice", "eve"}.isdisjoint(owners)
        for name in everyone.keys() - owners:
            client = everyone[name]
            for response in (
                client.get(owned),
                client.post(owned, {"text": "x", "readiness": "1", "note": "x", "action": "stop"}),
            ):
                assert BOBS_TEXT.encode() not in response.content
                assert BOBS_NOTE.encode() not in response.content
                if response.status_code == 405 and "POST" not in response["Allow"]:
                    continue  # an address that takes no POST from anyone
                assert response.status_code == 404, (route.name, name, response.status_code)
        response = Client().get(owned)
        assert response.status_code == 302, route.name
        assert response["Location"].startswith(reverse("login"))

    assert not not_covered, f"The ownership guard does not know what these take: {not_covered}"
    assert Reflection.objects.for_user(bob).get(pk=1001).text == BOBS_TEXT
    bobs_check_in = CheckIn.objects.for_user(bob).get(pk=2002)
    assert (bobs_check_in.readiness, bobs_check_in.note) == (Readiness.PARTLY, BOBS_NOTE)
    assert Share.objects.for_user(bob).filter(pk=4004).exists()
    assert TogetherAnswer.objects.for_user(bob).filter(question=5005).exists()


def test_every_private_address_sends_a_signed_out_visitor_to_sign_in(db, content):
    checked = 0
    for route in site_routes():
        if route.name in PUBLIC or route.takes_user_data:
            continue
        response = Client().get(url_for(route, content))
        if response.status_code == 405:
            response = Client().post(url_for(route, content))
        # A redirect to sign in, a 401 for htmx, or an empty answer: nothing else.
        assert response.status_code in (302, 401, 204), route.name
        if response.status_code == 204:
            assert response.content == b"", route.name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), route.name
        checked += 1

    assert checked >= 5


def test_no_page_shows_another_persons_data(alice, bob, bobs_data, content):
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    seen_by_bob = b""
    for route in site_routes():
        if route.takes_user_data or route.name in {"logout", "account_sign_out_everywhere"}:
            continue
        url = url_for(route, content)
        seen_by_bob += bob_client.get(url).content
        page = alice_client.get(url).content
        assert BOBS_TEXT.encode() not in page, route.name
        assert BOBS_NOTE.encode() not in page, route.name
        assert BOBS_QUESTION.encode() not in page, route.name
        # A random CSP nonce or CSRF token may spell "bob" by chance; only the page's words count.
        words = re.sub(
            rb'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"|"X-CSRFToken": "[^"]*"', b"", page
        )
        assert b"bob" not in words.lower(), route.name

    assert BOBS_TEXT.encode() in seen_by_bob
    assert BOBS_NOTE.encode() in seen_by_bob
    assert BOBS_QUESTION.encode() in seen_by_bob


def test_a_saved_reflection_id_in_the_form_cannot_reach_another_persons_reflection(
    alice, bobs_data, content
):
    journey, stage, prompt = content
    url = reverse(
        "journeys:save_reflection",
        kwargs={"journey_slug": journey.slug, "stage_slug": stage.slug, "prompt_id": prompt.pk},
    )

    signed_in(alice).post(url, box(prompt, "Overwritten", 1001, 1), HTTP_HX_REQUEST="true")

    assert Reflection.objects.get(pk=1001).text == BOBS_TEXT
    bobs_check_in = CheckIn.objects.get(pk=2002)
    assert (bobs_check_in.readiness, bobs_check_in.note) == (Readiness.PARTLY, BOBS_NOTE)
