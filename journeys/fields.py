"""Text (and a few numbers) encrypted at rest with keys from the environment.

MultiFernet gives authenticated encryption with several keys: the first key
encrypts, every key decrypts, so keys can be rotated without downtime
(`manage.py rotate_encryption_keys`).
"""

from contextlib import contextmanager
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables


class UndecryptableText(Exception):
    """Stored text that none of the configured keys opens.

    Raised rather than returning the ciphertext or an empty string, so a
    missing key is never mistaken for a note.
    """


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("NEARER_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "NEARER_ENCRYPTION_KEYS holds a key that is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from None


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.NEARER_ENCRYPTION_KEYS))


@sensitive_variables("text")
def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


@contextmanager
def _no_key_opens_it_raises():
    try:
        yield
    except InvalidToken:
        raise UndecryptableText(
            "Stored text could not be decrypted with any key in NEARER_ENCRYPTION_KEYS."
        ) from None


def decrypt(token: str) -> str:
    with _no_key_opens_it_raises():
        return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same text, encrypted again with the first key."""
    with _no_key_opens_it_raises():
        return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A TextField whose value is stored as a Fernet token.

    Lookups on the stored value are meaningless (every token differs), so
    search decrypts in Python.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    @sensitive_variables("value")
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt(value)


class EncryptedIntegerField(EncryptedTextField):
    """A whole number stored as a Fernet token like the notes, and read back as an int.

    For a health answer (how ready someone feels) that nothing filters,
    orders or adds up in SQL; every token differs, so such lookups would be
    meaningless.
    """

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return None if value is None else int(value)

    def to_python(self, value):
        if value is None or isinstance(value, int):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Enter a whole number."), code="invalid") from None

    @sensitive_variables("value")
    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(str(self.to_python(value)))
