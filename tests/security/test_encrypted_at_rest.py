"""Done when: a raw dump of the database holds none of what a person wrote,
while the site still shows it to them."""

import sqlite3

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, box

SENTENCES = [
    "Since the chemo I flinch when he reaches for me",
    "Tonight we lay close and it felt like before",
]


def every_row_of_every_table() -> str:
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump += [repr(row) for row in cursor.fetchall()]
    return "\n".join(dump)


@pytest.fixture
def written(alice, journey) -> Client:
    """Alice writes a reflection and a check-in note through the site itself."""
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    stage = journey.stages.order_by("position").first()
    prompt = stage.prompts.first()
    client.post(
        reverse("journeys:save_reflection", args=[journey.slug, stage.slug, prompt.pk]),
        box(prompt, SENTENCES[0]),
        HTTP_HX_REQUEST="true",
    )
    client.post(
        reverse("journeys:check_ins", args=[journey.slug]), {"readiness": 4, "note": SENTENCES[1]}
    )
    return client


@pytest.mark.django_db(transaction=True)
def test_the_author_still_reads_what_they_wrote(written, journey):
    reflections = written.get(reverse("journeys:reflections")).content.decode()
    check_ins = written.get(reverse("journeys:check_ins", args=[journey.slug])).content.decode()

    assert SENTENCES[0] in reflections
    assert SENTENCES[1] in check_ins


@pytest.mark.django_db(transaction=True)
def test_no_row_of_any_table_holds_what_was_written(written):
    dump = every_row_of_every_table()

    assert "gAAAAA" in dump  # the Fernet tokens are there
    for sentence in SENTENCES:
        assert sentence not in dump
        assert sentence.encode().hex() not in dump


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_holds_none_of_what_was_written(written, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the database is not SQLite; its raw rows are checked above")
    path = tmp_path / "copy.sqlite3"
    copy = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()

    data = path.read_bytes()

    assert b"journeys_reflection" in data
    assert b"gAAAAA" in data  # the tokens are in the file
    for sentence in SENTENCES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert sentence.encode(encoding) not in data


@pytest.mark.django_db(transaction=True)
def test_how_ready_someone_felt_is_stored_encrypted_and_read_back_as_a_number(written, alice):
    from journeys.models import CheckIn

    with connection.cursor() as cursor:
        cursor.execute("SELECT readiness FROM journeys_checkin")
        (stored,) = cursor.fetchone()

    assert str(stored).startswith("gAAAAA")
    assert CheckIn.objects.get(user=alice).readiness == 4
    assert list(CheckIn.objects.values_list("readiness", flat=True)) == [4]
