"""After an account is deleted, SQLite's files hold nothing of the person's.

Runs in a separate process on a database file of its own, where every write
is committed as on the site (most of the suite's tests roll theirs back), and
reads the file and its write-ahead log while the connection that deleted the
account is still open, as a running server's would be.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from guide.account import delete_account
from journeys.models import CheckIn, Reflection
from tests.conftest import write_notes

call_command("migrate", verbosity=0)
call_command("load_journeys", verbosity=0)
from journeys.models import Journey
journey = Journey.objects.first()
user = User.objects.create_user("quiet-heron", "quiet.heron@example.org", "a quiet walk by the sea")
write_notes(user, journey, "Words about the scar I hide", "A hard week")
with connection.cursor() as cursor:
    cursor.execute("SELECT text FROM journeys_reflection")
    tokens = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT note FROM journeys_checkin WHERE note != ''")
    tokens += [row[0] for row in cursor.fetchall()]
delete_account(user)
database = Path(sys.argv[1])
raw = database.read_bytes()
wal = Path(f"{database}-wal")
raw += wal.read_bytes() if wal.exists() else b""
print(json.dumps({
    "tokens": len(tokens),
    "found": [t[:12] for t in tokens if t.encode() in raw],
    "email": b"quiet.heron@example.org" in raw,
    "username": b"quiet-heron" in raw,
}))
"""


def test_the_database_file_and_its_log_hold_nothing_of_a_deleted_account(tmp_path):
    database = tmp_path / "nearer.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "guide.settings",
        "DJANGO_DEBUG": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(database)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    left = json.loads(done.stdout.strip().splitlines()[-1])

    assert left["tokens"] == 2
    assert left == {"tokens": 2, "found": [], "email": False, "username": False}
