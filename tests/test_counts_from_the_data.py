"""No page or content file counts the stages by hand."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# "ten stages", "10 stages", "Ten gentle stages", "ten short, private stages"...
COUNTED_BY_HAND = re.compile(r"\b(ten|10|nine|eleven|twelve)\b\W+(\w+\W+){0,3}stages", re.I)


def test_no_template_or_content_file_says_how_many_stages_there_are():
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("journeys/content/*.toml")]

    assert files
    for path in files:
        assert not COUNTED_BY_HAND.search(path.read_text()), path


@pytest.mark.django_db
def test_the_pages_count_the_published_stages_from_the_database(alice_client, journey):
    journey.stages.filter(slug="pace").update(published=False)

    home = alice_client.get(reverse("home")).content.decode()
    journey_page = alice_client.get(reverse("journeys:journey", args=[journey.slug]))

    assert not COUNTED_BY_HAND.search(home)
    assert "0 of 2 stages done" in journey_page.content.decode()
