from collections import Counter

from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from journeys.models import CheckIn, Reflection
from tests.conftest import PASSWORD, write_notes


def rows_of(user: User) -> Counter:
    """Rows in every table that point at this person, by user or by username."""
    counts = Counter()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is User:
                counts[model._meta.label] += model.objects.filter(**{field.name: user}).count()
            elif field.concrete and field.name == "username":
                counts[model._meta.label] += model.objects.filter(username=user.username).count()
    counts["auth.User"] = User.objects.filter(pk=user.pk).count()
    return counts


def sign_in(user: User) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


def test_it_explains_that_deletion_cannot_be_undone(alice_client):
    content = alice_client.get(reverse("account_delete")).content.decode()

    assert "cannot be undone" in content
    assert 'type="password"' in content


def test_deleting_my_account_leaves_nothing_of_mine_and_everything_of_others(alice, bob, journey):
    write_notes(alice, journey, "Mine.", "Mine too.")
    write_notes(bob, journey, "Bob's.", "Bob's too.")
    alice_client, other_device, bob_client = sign_in(alice), sign_in(alice), sign_in(bob)
    Client().post(reverse("login"), {"username": "alice", "password": "wrong"})
    before, bobs_before = rows_of(alice), rows_of(bob)
    assert all(
        before[label]
        for label in [
            "journeys.Reflection",
            "journeys.CheckIn",
            "journeys.StageProgress",
            "journeys.Profile",
            "guide.UserSession",
            "axes.AccessAttempt",
        ]
    )

    response = alice_client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert sum(rows_of(alice).values()) == 0
    assert rows_of(bob) == bobs_before
    assert "_auth_user_id" not in alice_client.session
    assert other_device.get(reverse("account")).status_code == 302
    assert bob_client.get(reverse("account")).status_code == 200
    assert Reflection.objects.count() == CheckIn.objects.count() == 1


def test_a_wrong_password_deletes_nothing(alice_client, alice, journey):
    write_notes(alice, journey, "Mine.", "Mine too.")

    response = alice_client.post(reverse("account_delete"), {"password": "not it"})

    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()
    assert Reflection.objects.for_user(alice).count() == 1


def test_the_password_on_the_delete_page_counts_towards_the_lockout(alice_client, alice, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        alice_client.post(reverse("account_delete"), {"password": "a guess"})

    alice_client.post(reverse("account_delete"), {"password": PASSWORD})

    assert User.objects.filter(pk=alice.pk).exists()


def test_deletion_needs_a_sign_in(client, alice):
    response = client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert User.objects.filter(pk=alice.pk).exists()
