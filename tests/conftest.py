import io
import os

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command

from journeys.editors import editors_group
from journeys.models import Audience, Journey, Profile, Prompt, Role, Stage

# Playwright's sync API runs an event loop in the test thread; the live
# server's ORM calls happen in its own thread, so this is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "a quiet walk by the sea"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a database file, as the site does, not in memory.

    The live server answers each request in a thread of its own. An in-memory
    database is one connection that those threads would share, and a shared
    connection is not safe for requests served at the same time (a browser
    asks for a page and its translations at once): a query could see another
    request's half-done transaction. With a file each thread has its own
    connection, and SQLite's locking keeps them apart as in production.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database_file = tmp_path_factory.mktemp("db") / "nearer.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(database_file)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with nothing cached: a test's database is rolled back
    without the signals that would forget what it cached."""
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str = Role.NOT_SAID) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    Profile.objects.filter(user=user).update(role=role)
    return user


def box(prompt, text: str, reflection=None, version=None) -> dict:
    """What the box under a prompt on the stage page sends: its fields carry
    the prompt's prefix, as every box belongs to the page's one form."""
    data = {f"p{prompt.pk}-text": text}
    if reflection is not None:
        data[f"p{prompt.pk}-reflection"] = reflection
    if version is not None:
        data[f"p{prompt.pk}-version"] = version
    return data


@pytest.fixture
def alice(db) -> User:
    return make_user("alice", Role.RECOVERING)


@pytest.fixture
def bob(db) -> User:
    return make_user("bob", Role.PARTNER)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def journey(db) -> Journey:
    """A small published journey: three stages, prompts for every audience."""
    journey = Journey.objects.create(
        slug="together",
        title="Together again",
        summary="A short journey for the tests.",
        intro="Go at your *own* pace.",
        published=True,
    )
    for position, (slug, title) in enumerate(
        [("accepting", "Accepting"), ("listening", "Listening"), ("pace", "Your pace")], 1
    ):
        stage = Stage.objects.create(
            journey=journey,
            position=position,
            slug=slug,
            title=title,
            summary=f"About {title.lower()}.",
            body=f"Some gentle words about **{title.lower()}**.",
            published=True,
        )
        Prompt.objects.create(stage=stage, position=1, text=f"What does {slug} mean to you?")
        Prompt.objects.create(
            stage=stage,
            position=2,
            text=f"As the one recovering, what about {slug}?",
            audience=Audience.RECOVERING,
        )
        Prompt.objects.create(
            stage=stage,
            position=3,
            text=f"As the partner, what about {slug}?",
            audience=Audience.PARTNER,
        )
    return journey


@pytest.fixture
def editor(db) -> User:
    """A content editor: staff, in the Editors group and nothing more."""
    user = make_user("editor")
    user.is_staff = True
    user.save()
    user.groups.add(editors_group(apps))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def loaded_journey(db) -> Journey:
    """The real journey, loaded from journeys/content/ as `load_journeys` does."""
    call_command("load_journeys", stdout=io.StringIO())
    return Journey.objects.get(slug="finding-each-other-again")


def write_notes(user: User, journey: Journey, text: str, note: str):
    """One reflection on the journey's first prompt and one check-in, for `user`."""
    from journeys.models import CheckIn, Readiness, Reflection, StageProgress

    prompt = Prompt.objects.filter(stage__journey=journey).order_by("stage__position").first()
    reflection = Reflection.objects.create(
        user=user, prompt=prompt, prompt_text=prompt.text, text=text
    )
    StageProgress.objects.get_or_create(
        user=user, stage=prompt.stage, defaults={"status": "in_progress"}
    )
    check_in = CheckIn.objects.create(
        user=user, journey=journey, readiness=Readiness.PARTLY, note=note
    )
    return reflection, check_in
