"""Editors are made plainly: a group made by a migration, and create_editor."""

import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import PASSWORD, make_user


def create_editor(username: str, password: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        call_command("create_editor", username, "--password-stdin", stdout=out)
    else:
        call_command("create_editor", username, stdout=out)
    return out.getvalue()


@pytest.fixture
def group_from_the_migration(db) -> Group:
    """The group as the migration makes it. Made again here: a browser test
    run earlier on this database empties every table when it ends."""
    migration = importlib.import_module("journeys.migrations.0006_editors_group")
    Group.objects.filter(name="Editors").delete()
    migration.make_editors_group(apps, schema_editor=None)
    return Group.objects.get(name="Editors")


def test_the_editors_group_holds_exactly_the_content_permissions(group_from_the_migration):
    group = group_from_the_migration

    assert sorted(group.permissions.values_list("content_type__model", "codename")) == sorted(
        (model, f"{action}_{model}")
        for model in ["journey", "stage", "prompt"]
        for action in ["add", "change", "delete", "view"]
    )


@pytest.mark.django_db
def test_create_editor_makes_a_staff_account_in_the_editors_group(client, monkeypatch):
    said = create_editor("sam", PASSWORD, monkeypatch)

    sam = User.objects.get(username="sam")
    assert "Made the account sam an editor" in said
    assert sam.is_staff and not sam.is_superuser
    assert list(sam.groups.values_list("name", flat=True)) == ["Editors"]
    assert sam.check_password(PASSWORD)
    client.force_login(sam)
    assert client.get(reverse("admin:journeys_stage_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.django_db
def test_create_editor_asks_for_the_password_twice(monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    create_editor("sam")

    assert User.objects.get(username="sam").check_password(PASSWORD)


@pytest.mark.django_db
def test_create_editor_makes_nothing_when_the_two_passwords_differ(monkeypatch):
    answers = iter([PASSWORD, "something else entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="The two passwords differ"):
        create_editor("sam")
    assert not User.objects.filter(username="sam").exists()


@pytest.mark.django_db
def test_create_editor_refuses_a_weak_password(monkeypatch):
    with pytest.raises(CommandError, match="That password will not do"):
        create_editor("sam", "password", monkeypatch)
    assert not User.objects.filter(username="sam").exists()


@pytest.mark.django_db
def test_an_existing_account_made_an_editor_keeps_its_password(monkeypatch):
    make_user("sam")

    said = create_editor("sam")

    sam = User.objects.get(username="sam")
    assert "keeps its password" in said
    assert sam.check_password(PASSWORD)
    assert sam.is_staff and sam.groups.filter(name="Editors").exists()


def test_create_editor_puts_back_a_group_someone_emptied(group_from_the_migration, monkeypatch):
    group_from_the_migration.permissions.clear()

    create_editor("sam", PASSWORD, monkeypatch)

    assert Group.objects.get(name="Editors").permissions.count() == 12
