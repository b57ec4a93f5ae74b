"""The session engine (SESSION_ENGINE = "guide.sessions").

Django's database sessions, with the signed-in user's id kept in its own
indexed column so every session of one person can be ended at once.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from guide.models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session


def end_sessions_of(user, keep: str | None = None) -> None:
    """Ends every session of this person, but `keep` if given."""
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    sessions.delete()
