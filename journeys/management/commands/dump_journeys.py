"""Write the published journeys back to their TOML content files.

    manage.py dump_journeys                  # into journeys/content/<slug>.toml
    manage.py dump_journeys --output-dir DIR # elsewhere, to compare first

Each file is in the shape load_journeys reads, so an editor's published
changes can be kept in the repository; loading a dumped file again reports
everything unchanged. Drafts are not written, and retirement stays in the
database.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from journeys.dumping import journey_as_toml
from journeys.management.commands.load_journeys import CONTENT_DIR
from journeys.models import Journey


class Command(BaseCommand):
    help = (
        "Write every published journey, with its stages and prompts as people see them, "
        "to <slug>.toml in the shape load_journeys reads (by default under journeys/content/)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=CONTENT_DIR,
            help="the folder to write the files in (default: journeys/content/)",
        )

    def handle(self, *args, output_dir: Path, **options) -> None:
        journeys = list(Journey.objects.published())
        if not journeys:
            raise CommandError("No journey is published; nothing was written.")
        output_dir.mkdir(parents=True, exist_ok=True)
        for journey in journeys:
            path = output_dir / f"{journey.slug}.toml"
            path.write_text(journey_as_toml(journey), encoding="utf-8")
            self.stdout.write(f"wrote journey {journey.slug} to {path}")
