"""Linking two accounts by an invitation code, and unlinking in one step."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys import partners
from journeys.models import Invitation, InvitationState, Partnership
from tests.conftest import PASSWORD, make_user

NO_SUCH_CODE = "This code does not open an invitation."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client: Client) -> str:
    response = client.post(reverse("journeys:partner_invite"), {"password": PASSWORD})
    assert response.status_code == 200
    return response.context["new_code"]


def join(client: Client, code: str, password: str = PASSWORD):
    return client.post(reverse("journeys:partner_join", args=[code]), {"password": password})


@pytest.fixture
def carol(db):
    return make_user("carol")


def test_the_partner_page_says_not_linked_and_what_linking_does(alice_client):
    page = alice_client.get(reverse("journeys:partner")).content.decode()

    assert "Not linked." in page
    assert "What linking does, and never does" in page


def test_a_code_is_long_grouped_and_free_of_look_alike_characters(alice):
    codes = {partners.invite(alice) for _ in range(20)}

    for code in codes:
        letters = code.replace("-", "")
        assert len(letters) >= 10
        assert not set(letters) & set("0O1IL")
        assert code.count("-") == 2
    assert len(codes) == 20


def test_inviting_needs_the_password(alice_client, alice):
    response = alice_client.post(reverse("journeys:partner_invite"), {"password": "wrong"})

    assert response.status_code == 422
    assert "That is not your password." in response.content.decode()
    assert not Invitation.objects.for_user(alice).exists()


def test_only_a_hash_of_the_code_is_stored(alice):
    code = partners.invite(alice)

    stored = Invitation.objects.for_user(alice).get()
    assert partners.normalised(code) not in str(stored.__dict__)
    assert stored.code_hash == partners.code_hash(code)
    assert stored.expires - timezone.now() == pytest.approx(
        timedelta(hours=24), abs=timedelta(minutes=1)
    )


def test_a_new_invitation_cancels_the_open_one(alice):
    first = partners.invite(alice)
    partners.invite(alice)

    assert Invitation.objects.for_user(alice).open().count() == 1
    assert Invitation.objects.by_code_hash(partners.code_hash(first)) is None


def test_the_partner_links_with_the_code_and_their_own_password(alice, bob):
    alice_client, bob_client = signed_in(alice), signed_in(bob)
    code = invite(alice_client)

    page = bob_client.get(reverse("journeys:partner_join", args=[code])).content.decode()
    assert "alice invites you to link your accounts." in page
    assert join(bob_client, code, "wrong").status_code == 422
    assert not Partnership.objects.for_user(bob).exists()
    response = join(bob_client, code)

    assert response.status_code == 302
    assert partners.partner_of(bob) == alice and partners.partner_of(alice) == bob
    assert (
        "You are linked with bob." in alice_client.get(reverse("journeys:partner")).content.decode()
    )


def test_a_code_typed_in_any_case_and_spacing_leads_to_the_invitation(alice, bob):
    code = partners.invite(alice)
    typed = code.replace("-", " ").lower()

    response = signed_in(bob).post(reverse("journeys:partner_enter_code"), {"code": typed})

    assert response["Location"] == reverse("journeys:partner_join", args=[code])


@pytest.mark.parametrize("how", ["unknown", "used", "cancelled", "expired"])
def test_every_code_that_opens_nothing_gets_the_same_refusal(alice, bob, carol, how):
    code = partners.invite(alice) if how != "unknown" else "ABCD-EFGH-JKMN"
    if how == "used":
        join(signed_in(carol), code)
    elif how == "cancelled":
        partners.cancel_invitation(alice)
    elif how == "expired":
        Invitation.objects.for_user(alice).update(expires=timezone.now())

    response = join(signed_in(bob), code)

    assert response.status_code == 404
    assert NO_SUCH_CODE in response.content.decode()
    assert partners.partner_of(bob) is None


def test_my_own_code_is_refused(alice, alice_client):
    code = invite(alice_client)

    response = join(alice_client, code)

    assert "This is your own invitation" in response.content.decode()
    assert partners.partner_of(alice) is None


def test_a_code_is_refused_when_either_is_already_linked(alice, bob, carol):
    code = partners.invite(alice)
    join(signed_in(carol), partners.invite(bob))

    response = join(signed_in(carol), code)

    assert "already linked" in response.content.decode()
    assert partners.partner_of(alice) is None
    assert Invitation.objects.for_user(alice).open().exists()


def test_wrong_codes_are_stopped_after_a_few_tries_per_account(bob):
    bob_client = signed_in(bob)
    statuses = [
        bob_client.get(reverse("journeys:partner_join", args=[f"WRNG-CODE-{n:04}"])).status_code
        for n in range(7)
    ]

    assert statuses[:4] == [404] * 4
    assert statuses[-1] == 429
    page = bob_client.get(reverse("journeys:partner_join", args=["WRNG-CODE-9999"]))
    assert "Too many codes that did not work" in page.content.decode()


def test_wrong_codes_from_one_address_are_stopped_whichever_account_sends_them(db):
    statuses = []
    for n in range(7):
        client = signed_in(make_user(f"prober{n}"))
        url = reverse("journeys:partner_join", args=[f"WRNG-CODE-{n:04}"])
        statuses.append(client.get(url).status_code)

    assert statuses[-1] == 429


def test_wrong_codes_do_not_lock_a_person_out_of_signing_in(bob):
    bob_client = signed_in(bob)
    for n in range(7):
        bob_client.get(reverse("journeys:partner_join", args=[f"WRNG-CODE-{n:04}"]))

    response = Client().post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302


def test_unlinking_is_one_step_without_a_password_from_either_side(alice, bob):
    join(signed_in(bob), partners.invite(alice))

    response = signed_in(bob).post(reverse("journeys:partner_unlink"))

    assert response.status_code == 302
    assert partners.partner_of(alice) is None and partners.partner_of(bob) is None
    page = signed_in(alice).get(reverse("journeys:partner")).content.decode()
    assert "Not linked." in page


def test_the_admin_shows_no_partnerships_invitations_shares_or_together_answers():
    registered = {model.__name__ for model in admin.site._registry}

    assert not registered & {
        "Partnership",
        "Invitation",
        "Share",
        "TogetherQuestion",
        "TogetherAnswer",
    }


def test_an_invitation_is_used_once(alice, bob, carol):
    code = partners.invite(alice)
    join(signed_in(bob), code)
    signed_in(bob).post(reverse("journeys:partner_unlink"))

    response = join(signed_in(carol), code)

    assert response.status_code == 404
    assert Invitation.objects.for_user(alice).get().state == InvitationState.USED


def test_the_help_page_says_what_to_do_if_you_do_not_feel_safe_with_your_partner(client):
    page = client.get(reverse("help")).content.decode()

    section = page.split('id="not-safe"', 1)[1].split("<h2", 1)[0]
    for words in ("Unlink", "Stop sharing", "Sign out everywhere", "change your password"):
        assert words in section
    assert "Leave this page quickly" in section
    assert "cannot make them forget what they already read" in section
    assert "history" in section and "helpline" in section


def test_the_privacy_page_says_what_linking_shares_and_never_shares(client):
    page = client.get(reverse("privacy")).content.decode()

    assert "What linking shares" in page and "What it never shares" in page


def test_linking_and_unlinking_send_no_email_to_anyone(alice, bob, mailoutbox):
    alice.email, bob.email = "alice@example.org", "bob@example.org"
    alice.save()
    bob.save()
    code = invite(signed_in(alice))

    join(signed_in(bob), code)
    signed_in(alice).post(reverse("journeys:partner_unlink"))

    assert mailoutbox == []
