"""Re-encrypts every stored note with the first key in NEARER_ENCRYPTION_KEYS.

Rotating a key: put the new key first and keep the old one after it
(NEARER_ENCRYPTION_KEYS=new,old), restart, run this command, then remove the
old key. The command works on the stored tokens themselves, never through
the field, so no note is decrypted into a model or shown; a row another
request changed meanwhile is left as that request wrote it. Rows already
under the first key are skipped, so it is safe to stop and run again.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast

from journeys.fields import EncryptedTextField, UndecryptableText, fernet, rotate


def encrypted_columns() -> list[tuple[type, str]]:
    """Every (model, field name) stored encrypted, in every app."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def with_tokens(model, column: str) -> QuerySet:
    """Every row, with `token`: the column as stored. The Cast to a plain
    TextField reads it without the field's decryption."""
    return model._base_manager.annotate(token=Cast(column, TextField()))


def stored_tokens(model, column: str, batch_size: int):
    """(pk, token) for every row, in pk order, a batch at a time."""
    rows = with_tokens(model, column).order_by("pk")
    last_pk = None
    while True:
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(batch.values_list("pk", "token")[:batch_size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1][0]


class Command(BaseCommand):
    help = (
        "Re-encrypts every reflection and check-in (answer and note) with the first key in "
        "NEARER_ENCRYPTION_KEYS, so older keys can then be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows read and written per transaction (default 500).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted, and write nothing.",
        )

    def handle(self, *args, batch_size: int, dry_run: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            fernet()
        except ImproperlyConfigured as problem:  # one line naming the variable, no traceback
            raise CommandError(str(problem)) from None
        unopened: list[str] = []
        for model, column in encrypted_columns():
            counts = self.rotate_column(model, column, batch_size, dry_run, unopened)
            verb = "would be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(
                f"{model._meta.db_table}.{column}: {counts['rotated']} {verb}, "
                f"{counts['current']} already under the first key, "
                f"{counts['unopened']} no key opens."
            )
        if unopened:
            raise CommandError(
                "No key in NEARER_ENCRYPTION_KEYS opens these rows; they were left as they "
                "are. Add the key they were written with and run this again:\n  "
                + "\n  ".join(unopened)
            )

    def rotate_column(self, model, column, batch_size, dry_run, unopened) -> dict[str, int]:
        first_key = Fernet(settings.NEARER_ENCRYPTION_KEYS[0])
        counts = {"rotated": 0, "current": 0, "unopened": 0}
        for batch in stored_tokens(model, column, batch_size):
            with transaction.atomic():
                for pk, token in batch:
                    if token is None:
                        continue
                    try:
                        first_key.decrypt(token.encode())
                        counts["current"] += 1
                        continue
                    except InvalidToken:
                        pass
                    try:
                        new_token = rotate(token)
                    except UndecryptableText:
                        counts["unopened"] += 1
                        unopened.append(f"{model._meta.db_table} pk {pk} ({column})")
                        continue
                    counts["rotated"] += 1
                    if not dry_run:
                        self.replace(model, column, pk, token, new_token)
        return counts

    def replace(self, model, column: str, pk, old: str, new: str) -> None:
        # Only if the row still holds the token that was read: a save made
        # meanwhile is already under the first key and must not be undone.
        with_tokens(model, column).filter(pk=pk, token=old).update(
            **{column: Value(new, output_field=TextField())}
        )
