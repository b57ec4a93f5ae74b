import json
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from guide.models import UserSession
from journeys.models import (
    CareQuestion,
    Profile,
    Prompt,
    Reflection,
    Role,
    Stage,
    StageProgress,
)
from tests.conftest import PASSWORD, write_notes


def account_data(**overrides) -> dict:
    return {
        "username": "alice",
        "email": "",
        "role": Role.RECOVERING,
        "time_zone": "Europe/London",
        **overrides,
    }


def test_the_account_page_needs_a_sign_in(client, db):
    response = client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_account_page_shows_my_details_and_every_action(alice_client):
    content = alice_client.get(reverse("account")).content.decode()

    assert 'value="alice"' in content
    for name in ["password_change", "account_sign_out_everywhere", "account_delete"]:
        assert reverse(name) in content
    assert reverse("account_export_json") in content
    assert reverse("account_export_md") in content
    assert '<option value="Europe/London" selected>' in content


def test_the_signed_in_nav_links_to_the_account_page(alice_client):
    content = alice_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account")}"' in content


def test_it_saves_my_details_role_and_time_zone(alice_client, alice):
    response = alice_client.post(
        reverse("account"),
        account_data(
            username="river",
            email="r@example.org",
            role=Role.PARTNER,
            time_zone="Asia/Tokyo",
            password=PASSWORD,
        ),
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.username, alice.email) == ("river", "r@example.org")
    profile = Profile.objects.get(user=alice)
    assert (profile.role, profile.time_zone) == (Role.PARTNER, "Asia/Tokyo")


def test_changing_my_email_needs_my_password_and_keeps_what_i_typed(alice_client, alice):
    response = alice_client.post(reverse("account"), account_data(email="taker@example.org"))

    assert response.status_code == 200
    assert "Enter your password to change your name or email address" in response.content.decode()
    assert 'value="taker@example.org"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == ""


def test_changing_my_name_needs_my_password(alice_client, alice):
    alice_client.post(reverse("account"), account_data(username="taken-over"))

    alice.refresh_from_db()
    assert alice.username == "alice"


def test_a_wrong_password_changes_nothing_and_counts_towards_the_lockout(
    alice_client, alice, settings
):
    wrong = alice_client.post(
        reverse("account"), account_data(email="taker@example.org", password="guess")
    )
    assert "That is not your password" in wrong.content.decode()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        alice_client.post(
            reverse("account"), account_data(email="taker@example.org", password="guess")
        )

    locked = alice_client.post(
        reverse("account"), account_data(email="taker@example.org", password=PASSWORD)
    )

    assert locked.status_code == 429
    alice.refresh_from_db()
    assert alice.email == ""


def test_my_role_and_time_zone_change_without_my_password(alice_client, alice):
    response = alice_client.post(
        reverse("account"), account_data(role=Role.PARTNER, time_zone="Asia/Tokyo")
    )

    assert response.status_code == 302
    assert Profile.objects.get(user=alice).time_zone == "Asia/Tokyo"


def test_the_old_address_gets_a_neutral_notice_when_my_email_changes(alice_client, alice, journey):
    alice.email = "alice@example.org"
    alice.save()
    write_notes(alice, journey, "Words about my scar", "A hard week")

    alice_client.post(
        reverse("account"), account_data(email="river@example.org", password=PASSWORD)
    )

    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    notice = mail.outbox[0]
    assert notice.subject == "Your email address was changed"
    for private in ("Nearer", "alice", "river@example.org", "scar", "hard week", journey.title):
        assert private not in notice.subject + notice.body


def test_no_notice_is_sent_when_there_was_no_address_or_it_stayed(alice_client, alice):
    alice_client.post(
        reverse("account"), account_data(email="river@example.org", password=PASSWORD)
    )
    alice_client.post(
        reverse("account"), account_data(email="river@example.org", role=Role.PARTNER)
    )

    assert mail.outbox == []


def test_it_lets_me_say_nothing_about_my_role(alice_client, alice):
    alice_client.post(reverse("account"), account_data(role=""))

    assert Profile.objects.get(user=alice).role == Role.NOT_SAID


def test_it_refuses_a_name_someone_else_has_whatever_the_case(alice_client, alice, bob):
    response = alice_client.post(reverse("account"), account_data(username="BOB"))

    assert response.status_code == 200
    assert "That name is taken" in response.content.decode()
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_it_refuses_a_time_zone_that_does_not_exist(alice_client, alice):
    response = alice_client.post(reverse("account"), account_data(time_zone="Mars/Olympus"))

    assert response.status_code == 200
    assert b"There is a problem" in response.content


def test_export_json_holds_everything_of_mine_in_the_documented_schema(
    alice_client, alice, bob, journey
):
    write_notes(alice, journey, "I miss holding hands.", "A slow day.")
    write_notes(bob, journey, "Bob's own words.", "Bob's note.")
    CareQuestion.objects.replace_for(
        user=alice, texts=["Can we talk about sleep?", "And about tiredness?"]
    )
    CareQuestion.objects.replace_for(user=bob, texts=["Bob's question?"])

    response = alice_client.get(reverse("account_export_json"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert re.fullmatch(
        r'attachment; filename="nearer-\d{4}-\d{2}-\d{2}\.json"', response["Content-Disposition"]
    )
    data = json.loads(response.content)
    assert (data["schema"], data["version"]) == ("nearer-export", 1)
    assert data["account"]["username"] == "alice"
    assert data["role"] == Role.RECOVERING
    [reflection] = data["reflections"]
    assert reflection["text"] == "I miss holding hands."
    assert reflection["stage"] == "accepting"
    assert reflection["journey"] == "together"
    assert reflection["prompt_text"] == "What does accepting mean to you?"
    assert {"created", "updated"} <= reflection.keys()
    assert data["stage_progress"][0]["status"] == "in_progress"
    assert data["check_ins"][0]["note"] == "A slow day."
    assert data["care_questions"] == ["Can we talk about sleep?", "And about tiredness?"]
    assert "Bob" not in response.content.decode()


def test_export_markdown_groups_my_writing_by_stage(alice_client, alice, bob, journey):
    write_notes(alice, journey, "I miss holding hands.\nAnd his laugh.", "A slow day.")
    write_notes(bob, journey, "Bob's own words.", "Bob's note.")

    response = alice_client.get(reverse("account_export_md"))
    content = response.content.decode()

    assert response["Content-Type"].startswith("text/markdown")
    assert "no-store" in response["Cache-Control"]
    assert re.fullmatch(
        r'attachment; filename="nearer-\d{4}-\d{2}-\d{2}\.md"', response["Content-Disposition"]
    )
    assert "## Together again: Accepting" in content
    assert "### What does accepting mean to you?" in content
    assert "> I miss holding hands.\n> And his laugh." in content
    assert "> A slow day." in content
    assert "Bob" not in content


def test_export_markdown_puts_each_question_once_above_what_was_written_under_it(
    alice_client, alice, journey
):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    for text in ("First time.", "Second time."):
        Reflection.objects.create(user=alice, prompt=prompt, prompt_text=prompt.text, text=text)

    content = alice_client.get(reverse("account_export_md")).content.decode()

    assert content.count(prompt.text) == 1
    assert content.index(prompt.text) < content.index("> First time.")
    assert content.index("> First time.") < content.index("> Second time.")


def test_export_markdown_includes_stages_marked_not_ready_yet(alice_client, alice, journey):
    listening = Stage.objects.get(journey=journey, slug="listening")
    StageProgress.objects.mark(alice, listening, "not_ready")
    CareQuestion.objects.replace_for(user=alice, texts=["Is this normal?"])

    content = alice_client.get(reverse("account_export_md")).content.decode()

    assert "## Together again: Listening\n\nStatus: Not ready yet" in content
    assert "## Questions for my care team\n\n1. Is this normal?" in content


def test_the_account_page_offers_the_text_file_in_plain_words(alice_client):
    content = alice_client.get(reverse("account")).content.decode()

    assert "a text file you can open anywhere" in content
    assert "Markdown" not in content


def test_exports_run_the_same_queries_however_much_was_written(
    alice_client, alice, journey, django_assert_max_num_queries
):
    write_notes(alice, journey, "One.", "One.")
    with django_assert_max_num_queries(10) as few:
        alice_client.get(reverse("account_export_json"))
    for n in range(20):
        write_notes_again(alice, journey, n)

    for name in ["account_export_json", "account_export_md"]:
        with django_assert_max_num_queries(len(few.captured_queries)):
            alice_client.get(reverse(name))


def write_notes_again(user, journey, n: int) -> None:
    from journeys.models import CheckIn, Prompt, Reflection

    prompt = Prompt.objects.filter(stage__journey=journey)[n % 9]
    Reflection.objects.create(user=user, prompt=prompt, prompt_text=prompt.text, text=f"T{n}")
    CheckIn.objects.create(user=user, journey=journey, readiness=1 + n % 5, note=f"N{n}")


def test_exports_need_a_sign_in(client, db):
    for name in ["account_export_json", "account_export_md"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_sign_out_everywhere_ends_every_session_of_mine_and_no_one_elses(alice, bob):
    phone, laptop, bobs = Client(), Client(), Client()
    for client, user in [(phone, alice), (laptop, alice), (bobs, bob)]:
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert UserSession.objects.filter(user=alice).count() == 2

    response = phone.post(reverse("account_sign_out_everywhere"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert not UserSession.objects.filter(user=alice).exists()
    for client in (phone, laptop):
        assert client.get(reverse("account")).status_code == 302
    assert bobs.get(reverse("account")).status_code == 200


def test_sign_out_everywhere_needs_a_post(alice_client):
    assert alice_client.get(reverse("account_sign_out_everywhere")).status_code == 405


def test_signing_in_gives_a_new_session_key(client, alice):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert client.session.session_key != before
    assert UserSession.objects.get(session_key=client.session.session_key).user == alice


def test_changing_my_password_ends_my_other_sessions_but_not_this_one(alice):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    new = "a longer walk by the river"

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert UserSession.objects.filter(user=alice).count() == 1
    assert here.get(reverse("account")).status_code == 200
    assert elsewhere.get(reverse("account")).status_code == 302


def test_signing_out_asks_the_browser_to_forget_the_site(alice_client):
    response = alice_client.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_every_page_for_a_signed_in_person_is_never_stored(alice_client, client, db):
    signed_in = alice_client.get(reverse("account"))

    assert "no-store" in signed_in["Cache-Control"]
    assert "private" in signed_in["Cache-Control"]


def test_an_active_session_is_kept_alive_at_most_once_an_hour(alice_client, alice, settings):
    alice_client.get(reverse("account"))
    first = UserSession.objects.get(user=alice).expire_date
    alice_client.get(reverse("account"))
    assert UserSession.objects.get(user=alice).expire_date == first

    session = alice_client.session
    session["refreshed"] -= settings.NEARER_SESSION_REFRESH_SECONDS
    session.save()
    before = UserSession.objects.get(user=alice).expire_date
    alice_client.get(reverse("account"))

    assert UserSession.objects.get(user=alice).expire_date > before


@pytest.mark.django_db
def test_the_privacy_page_says_what_we_promise_and_what_we_do_not(client):
    content = client.get(reverse("privacy")).content.decode()

    assert "encrypted at rest" in content
    assert "staff cannot read it" in content
    assert "not “zero-knowledge”" in content
    assert "No analytics" in content
    assert reverse("privacy") in client.get(reverse("home")).content.decode()


def test_a_new_account_has_no_email_unless_given(alice):
    assert User.objects.get(pk=alice.pk).email == ""


def test_resetting_a_forgotten_password_ends_every_session(alice):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    elsewhere = Client()
    elsewhere.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    alice.refresh_from_db()  # signing in changed last_login, which the token covers
    token = default_token_generator.make_token(alice)
    client = Client()
    form_url = client.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]
    new = "a longer walk by the river"

    response = client.post(form_url, {"new_password1": new, "new_password2": new})

    assert response.status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()
    assert elsewhere.get(reverse("account")).status_code == 302


def test_it_offers_a_short_list_of_cities_and_keeps_a_zone_set_earlier(alice_client, alice):
    profile = alice.profile
    profile.time_zone = "America/Boise"
    profile.save()

    content = alice_client.get(reverse("account")).content.decode()

    assert content.count("<option") < 70
    assert 'value="America/Boise" selected' in content
    assert "London, Edinburgh, Cardiff, Belfast" in content
