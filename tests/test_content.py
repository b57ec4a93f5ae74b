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


def test_every_stage_has_a_short_introduction_a_summary_and_two_to_four_prompts(content):
    assert len(content.stages) == 10
    for stage, prompts in content.stages:
        assert stage.summary, stage.slug
        # Short enough that a phone shows the first question by the second screen.
        assert 120 <= words(stage.body) <= 200, stage.slug
        assert 2 <= len(prompts) <= 4, stage.slug


def test_every_stage_asks_everyone_twice_and_each_role_once(content):
    for stage, prompts in content.stages:
        audiences = [prompt.audience for prompt in prompts]

        assert audiences.count(Audience.EVERYONE) == 2, stage.slug
        assert audiences.count(Audience.RECOVERING) == 1, stage.slug
        assert audiences.count(Audience.PARTNER) == 1, stage.slug


def test_the_partners_own_fears_have_a_voice(content):
    partner_prompts = " ".join(
        f"{prompt.text} {prompt.help_text}".lower()
        for _stage, prompts in content.stages
        for prompt in prompts
        if prompt.audience == Audience.PARTNER
    )

    assert "come back" in partner_prompts  # the illness returning
    assert "carer" in partner_prompts
    assert "grie" in partner_prompts


def test_the_last_stage_does_not_assume_the_partner_wants_more(content):
    _last, prompts = content.stages[-1]
    (partner_prompt,) = [p for p in prompts if p.audience == Audience.PARTNER]

    words_of_it = f"{partner_prompt.text} {partner_prompt.help_text}"

    assert "willing to go at their pace" not in words_of_it
    assert "more" in words_of_it
    assert "less" in words_of_it


def test_the_words_make_no_promise_about_blame_and_no_awkward_phrases(content):
    text = " ".join(
        [content.journey.intro, content.journey.summary]
        + [stage.body for stage, _prompts in content.stages]
        + [f"{p.text} {p.help_text}" for _stage, prompts in content.stages for p in prompts]
    )

    assert "It isn't. Not yours" not in text
    assert "as the one beside it" not in text
    assert "ten stages" not in text.lower()
    assert "ten short" not in text.lower()


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
