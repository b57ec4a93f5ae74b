"""Load the journey content from TOML files into the database.

    manage.py load_journeys                 # every file under journeys/content/
    manage.py load_journeys --dry-run       # say what would change, write nothing
    manage.py load_journeys --overwrite     # also replace what editors changed in the admin
    manage.py load_journeys path/to/a.toml  # only these files

Safe to run again: journeys and stages are matched by slug, prompts by their
place in their stage, and anything already as the file says is left alone.
An object an editor changed in the admin since the last load is skipped (and
named) unless --overwrite is given. All files are checked before anything is
written, and the load happens in one transaction.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeys.loading import ContentError, load_journeys, read_content_files

CONTENT_DIR = Path(__file__).resolve().parent.parent.parent / "content"


class Command(BaseCommand):
    help = (
        "Load the journey content from TOML files (by default every *.toml under "
        "journeys/content/), creating and updating journeys, stages and prompts. Changes "
        "made in the admin since the last load are kept unless --overwrite is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="FILE",
            help="content files to load (default: every *.toml under journeys/content/)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the files and report what would change, without writing anything",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="also replace journeys and stages that editors changed in the admin",
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, overwrite: bool, **options) -> None:
        paths = paths or sorted(CONTENT_DIR.glob("*.toml"))
        if not paths:
            raise CommandError(f"No content files: {CONTENT_DIR} holds no *.toml file.")
        try:
            journeys = read_content_files(paths)
        except ContentError as error:
            raise CommandError(
                "Nothing was loaded; fix the content file first:\n" + str(error)
            ) from None

        report = load_journeys(journeys, overwrite=overwrite, dry_run=dry_run)

        if dry_run:
            self.stdout.write("Dry run: nothing was written. A load would do this:")
        for line in report.lines + report.summary():
            self.stdout.write(line)
