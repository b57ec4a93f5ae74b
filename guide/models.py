from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """A database session that knows whose it is.

    Django's own session table cannot say which rows belong to a person
    without decoding every row. Keeping the user beside the session makes
    "Sign out everywhere" one indexed DELETE, and deleting an account
    deletes its sessions with it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "guide_session"

    @classmethod
    def get_session_store_class(cls):
        from guide.sessions import SessionStore

        return SessionStore
