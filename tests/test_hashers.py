import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.auth.models import User

from guide.hashers import NearerArgon2PasswordHasher

NEARER_HASHERS = [
    "guide.hashers.NearerArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture
def nearer_hashing(settings):
    settings.PASSWORD_HASHERS = NEARER_HASHERS


def test_it_hashes_with_owasps_minimum_for_argon2id(nearer_hashing):
    encoded = make_password("a quiet walk by the sea")

    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")


@pytest.mark.django_db
def test_it_upgrades_a_hash_made_with_djangos_default_at_the_next_sign_in(nearer_hashing):
    old = Argon2PasswordHasher().encode("a quiet walk by the sea", "saltsaltsaltsalt")
    user = User.objects.create(username="alice", password=old)

    assert user.check_password("a quiet walk by the sea")

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert not NearerArgon2PasswordHasher().must_update(user.password)
