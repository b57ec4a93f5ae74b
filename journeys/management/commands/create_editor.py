"""Make a content editor: a staff account in the Editors group.

    manage.py create_editor sam                     # asks for a password, twice
    printf '%s\n' "$PASSWORD" | manage.py create_editor sam --password-stdin

An existing account is made an editor and keeps its password. Editors change
journeys, stages and prompts in /admin/ and nothing else; no superuser is
needed for that.
"""

import getpass
import sys

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeys.editors import EDITORS, editors_group


class Command(BaseCommand):
    help = (
        "Make a staff account in the Editors group, which may change journeys, stages and "
        "prompts in the admin and nothing else. A new account's password is asked for, or "
        "read from standard input with --password-stdin; an existing account keeps its own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the editor's username")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read a new account's password from the first line of standard input",
        )

    def handle(self, *args, username: str, password_stdin: bool, **options) -> None:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            password = self._password(password_stdin)
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError("That password will not do: " + " ".join(error)) from None
            user.set_password(password)
            made = "Made the account"
        else:
            made = "The account already existed and keeps its password; made"
        user.is_staff = True
        user.save()
        user.groups.add(editors_group(apps))
        self.stdout.write(f"{made} {username} an editor (staff, in the {EDITORS} group).")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        password = getpass.getpass("Password for the new editor: ")
        if password != getpass.getpass("The same password again: "):
            raise CommandError("The two passwords differ; nothing was made.")
        return password
