"""The help page: real helplines for the person's country, professionals named once."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from guide import helplines
from journeys.models import Stage

pytestmark = pytest.mark.django_db

COUNTRIES = ["GB", "IE", "US", "CA", "AU", "NZ"]


@pytest.mark.parametrize("code", COUNTRIES)
def test_every_country_has_a_crisis_abuse_illness_and_couples_line_with_its_source(code):
    country = helplines.countries()[code]

    assert {line.kind for line in country.lines} == set(helplines.KINDS)
    for line in country.lines:
        assert line.source.startswith("https://")
        assert line.website.startswith("https://")
        assert line.phone or line.kind == "couples" or code == "CA"


@pytest.mark.parametrize("code", COUNTRIES)
def test_every_number_shown_was_checked_against_a_published_page(code):
    # The page shows every line alike, so a number nobody could confirm must
    # not be on it: a wrong number is worse than none to someone in crisis.
    unchecked = [
        line.name for line in helplines.countries()[code].lines if line.phone and not line.checked
    ]

    assert unchecked == []


@pytest.mark.parametrize("code", COUNTRIES)
def test_the_help_page_shows_the_chosen_countrys_lines_and_emergency_number(client, code):
    country = helplines.countries()[code]

    content = client.get(reverse("help"), {"country": code}).content.decode()

    assert f"Helplines in {country.name}" in content
    assert f"call {country.emergency} now" in content
    for line in country.lines:
        assert escape(line.name) in content
        if line.phone:
            assert f'href="tel:{line.dial}"' in content


def test_the_country_is_guessed_from_my_time_zone(alice_client, alice):
    alice.profile.time_zone = "Pacific/Auckland"
    alice.profile.save()

    content = alice_client.get(reverse("help")).content.decode()

    assert "Helplines in New Zealand" in content
    assert "0800 733 843" in content
    assert '<option value="NZ" selected>' in content


def test_a_person_signed_out_sees_the_sites_own_country_and_can_choose_another(client):
    assert "Helplines in United Kingdom" in client.get(reverse("help")).content.decode()

    content = client.get(reverse("help"), {"country": "IE"}).content.decode()

    assert "Helplines in Ireland" in content
    assert "1800 341 900" in content


def test_a_country_not_listed_falls_back_to_the_time_zones(client):
    content = client.get(reverse("help"), {"country": "XX"}).content.decode()

    assert "Helplines in United Kingdom" in content


def test_talk_to_a_professional_is_on_the_help_page_once_and_nowhere_else_on_it(client):
    content = client.get(reverse("help")).content.decode()

    assert content.count("Talk to a professional") == 1
    assert "talk to a professional" not in client.get(reverse("home")).content.decode()


def test_only_the_journeys_introduction_names_the_professionals(loaded_journey):
    assert "couples therapist" in loaded_journey.intro
    for stage in Stage.objects.filter(journey=loaded_journey):
        assert not re.search(r"therapist|psychologist|ask a doctor", stage.body), stage.slug


def test_the_help_page_explains_leaving_quickly_and_what_it_cannot_do(client):
    content = client.get(reverse("help")).content.decode()

    assert "pressing the Shift key three times" in content
    assert "still lists the Nearer pages you visited" in content
    assert "private window" in content


def test_the_box_under_each_question_says_something_true(alice_client, journey):
    content = alice_client.get(reverse("journeys:stage", args=[journey.slug, "accepting"]))

    assert b"Only you can read this" not in content.content
    assert b"Private to you, unless you choose to share it." in content.content
