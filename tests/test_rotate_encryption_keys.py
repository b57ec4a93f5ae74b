import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from journeys.fields import UndecryptableText
from journeys.models import CheckIn, Reflection
from tests.conftest import write_notes

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
KEY_C = Fernet.generate_key().decode()


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out)
    return out.getvalue()


def stored(table: str, column: str) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608 (names are constants)
        return dict(cursor.fetchall())


@pytest.fixture
def notes_under_key_a(settings, alice, bob, journey):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_A]
    for n in range(7):
        write_notes(alice if n % 2 else bob, journey, f"Reflection {n}", f"Note {n}")


def test_after_rotation_the_new_key_alone_reads_every_row(settings, notes_under_key_a):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    output = rotate("--batch-size", "3")

    assert "journeys_reflection.text: 7 re-encrypted" in output
    assert "journeys_checkin.note: 7 re-encrypted" in output
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B]
    assert sorted(r.text for r in Reflection.objects.all()) == [f"Reflection {n}" for n in range(7)]
    assert sorted(c.note for c in CheckIn.objects.all()) == [f"Note {n}" for n in range(7)]


def test_running_it_again_changes_nothing(settings, notes_under_key_a):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()
    tokens = stored("journeys_reflection", "text")

    output = rotate()

    assert "0 re-encrypted, 7 already under the first key" in output
    assert stored("journeys_reflection", "text") == tokens


def test_a_dry_run_writes_nothing(settings, notes_under_key_a):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    tokens = stored("journeys_checkin", "note")

    output = rotate("--dry-run")

    assert "7 would be re-encrypted" in output
    assert stored("journeys_checkin", "note") == tokens


def test_a_row_no_key_opens_is_named_by_table_and_pk_and_fails_the_command(
    settings, notes_under_key_a, alice, journey
):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_C]
    lost, _check_in = write_notes(alice, journey, "Written under a lost key", "Lost note")
    lost_token = stored("journeys_reflection", "text")[lost.pk]
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("rotate_encryption_keys", stdout=out)

    message = str(error.value) + out.getvalue()
    assert f"journeys_reflection pk {lost.pk} (text)" in message
    assert "Written under a lost key" not in message
    assert lost_token not in message
    assert stored("journeys_reflection", "text")[lost.pk] == lost_token
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B]
    assert Reflection.objects.exclude(pk=lost.pk).count() == 7


def test_a_note_no_key_opens_is_never_shown_as_ciphertext(settings, alice, journey):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_A]
    reflection, _check_in = write_notes(alice, journey, "Hidden", "Hidden")
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B]

    with pytest.raises(UndecryptableText):
        Reflection.objects.get(pk=reflection.pk)


def test_the_site_says_clearly_when_notes_cannot_be_opened(
    settings, client, alice, journey, caplog
):
    settings.NEARER_ENCRYPTION_KEYS = [KEY_A]
    write_notes(alice, journey, "A sentence only I know", "Another")
    token = next(iter(stored("journeys_reflection", "text").values()))
    settings.NEARER_ENCRYPTION_KEYS = [KEY_B]
    client.force_login(alice)
    client.raise_request_exception = False

    response = client.get(reverse("account_export_json"))

    content = response.content.decode()
    assert response.status_code == 500
    assert "We could not open your notes" in content
    assert "Nothing has been lost" in content
    assert "A sentence only I know" not in content + caplog.text
    assert token not in content + caplog.text
    assert "could not be decrypted" in caplog.text


@pytest.mark.parametrize(
    "keys", [[], ["not-a-key"], [KEY_A, "also not a key"]], ids=["empty", "malformed", "one-bad"]
)
def test_a_bad_key_list_is_named_in_one_line_without_a_traceback(settings, db, keys):
    settings.NEARER_ENCRYPTION_KEYS = keys

    with pytest.raises(CommandError) as refused:
        rotate()

    message = str(refused.value)
    assert "NEARER_ENCRYPTION_KEYS" in message
    assert "\n" not in message
