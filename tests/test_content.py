import re
import subprocess
import sys
from pathlib import Path

import pytest

from journeys.loading import parse_content
from journeys.models import Audience, Stage

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "journeys" / "content" / "finding-each-other-again.toml"
OVERLAP_TOOL = ROOT.parent / "shared" / "tools" / "article_overlap.py"


def words(text: str) -> int:
    return len(re.findall(r"\S+", text))


@pytest.fixture(scope="module")
def content():
    return parse_content(CONTENT.read_text(encoding="utf-8"), str(CONTENT))


@pytest.mark.django_db
def test_the_journey_loads_with_ten_published_stages(loaded_journey):
    assert loaded_journey.published
    assert Stage.objects.published().filter(journey=loaded_journey).count() == 10


def test_every_stage_has_an_introduction_a_summary_and_two_to_four_prompts(content):
    assert len(content.stages) == 10
    for stage, prompts in content.stages:
        assert stage.summary, stage.slug
        assert 150 <= words(stage.body) <= 350, stage.slug
        assert 2 <= len(prompts) <= 4, stage.slug


def test_most_prompts_are_for_both_and_some_for_each_partner(content):
    audiences = [prompt.audience for _stage, prompts in content.stages for prompt in prompts]

    assert audiences.count(Audience.EVERYONE) > len(audiences) / 2
    assert Audience.RECOVERING in audiences
    assert Audience.PARTNER in audiences


def test_the_journey_says_it_is_not_medical_advice_and_names_who_can_help(content):
    assert "not medical advice" in content.journey.intro
    assert "couples therapist" in content.journey.intro


@pytest.mark.skipif(not OVERLAP_TOOL.exists(), reason="../shared/tools is not beside the checkout")
def test_no_run_of_eight_words_repeats_the_source_article():
    result = subprocess.run(
        [sys.executable, str(OVERLAP_TOOL)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout
    assert "no run of 8+ words shared with the source article" in result.stdout
