"""Searching My reflections: every word, in any order, without case or
accents, by a rough stem, marked in the text found, and only one's own."""

import pytest

from journeys.search import WordSearch
from tests.test_reflections import LIST_URL, prompt_in, write


@pytest.mark.parametrize(
    ("words", "text"),
    [
        ("hugs", "A long hug in the kitchen."),
        ("hug", "So many hugs today."),
        ("hugging", "We hugged at the door."),
        ("hoping", "I hope we can go."),
        ("worried", "Less worry than last week."),
        ("kisses", "One kiss, then tea."),
        ("cafe", "Coffee at the Café by the sea."),
        ("CAFÉ", "coffee at the cafe by the sea"),
        ("sea walk", "We walked by the sea."),
        ("SEA   walked", "The walk by the sea."),
        ("speed", "At our own speeds."),
        ("speeds", "At our own speed."),
    ],
)
def test_a_word_is_found_without_its_case_accents_or_ending(words, text):
    assert WordSearch(words).matches(text)


@pytest.mark.parametrize(
    ("words", "text"),
    [
        ("sea walk", "We walked in the park."),  # "sea" is missing
        ("tea", "We made a team."),  # a word that only starts the same
        ("hug", "A huge day."),
    ],
)
def test_every_word_must_be_there_as_a_word(words, text):
    assert not WordSearch(words).matches(text)


def test_a_search_of_no_words_is_no_search():
    assert not WordSearch("  ,. ")


def test_the_words_found_are_marked_after_the_text_is_escaped():
    marked = WordSearch("hug script").marked("<script>alert('hug')</script> & Hugs")

    assert marked == (
        "&lt;<mark>script</mark>&gt;alert(&#x27;<mark>hug</mark>&#x27;)"
        "&lt;/<mark>script</mark>&gt; &amp; <mark>Hugs</mark>"
    )


def test_the_list_finds_several_words_in_any_order_and_marks_them(alice_client, alice, journey):
    write(alice, prompt_in(journey), "Sam gave me a long hug after the scan.")
    write(alice, prompt_in(journey), "A hug from my sister.")

    content = alice_client.get(LIST_URL, {"q": "hugs SAM"}).content.decode()

    assert "<mark>Sam</mark> gave me a long <mark>hug</mark> after the scan." in content
    assert "my sister" not in content
    assert "1 reflection contains “hugs SAM”." in content


def test_the_list_escapes_the_text_it_marks(alice_client, alice, journey):
    write(alice, prompt_in(journey), '<img src=x onerror="alert(1)"> a hug\n\nand more')

    content = alice_client.get(LIST_URL, {"q": "hug"}).content.decode()

    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; a <mark>hug</mark></p>" in content
    assert "<p>and more</p>" in content


def test_the_list_never_finds_another_persons_words(alice_client, alice, bob, journey):
    write(bob, prompt_in(journey), "Bob's hug")
    write(alice, prompt_in(journey), "My own words")

    content = alice_client.get(LIST_URL, {"q": "hug"}).content.decode()

    assert "Bob" not in content.replace("bob", "")
    assert "0 reflections contain “hug”." in content


@pytest.mark.parametrize("count", [1, 50])
def test_a_search_of_several_words_runs_the_same_few_queries_however_many_reflections(
    alice_client, alice, journey, django_assert_max_num_queries, count
):
    for number in range(count):
        write(alice, prompt_in(journey), f"Walked by the sea, day {number}.")
    alice_client.get(LIST_URL)  # the first visit refreshes the session

    with django_assert_max_num_queries(8):
        response = alice_client.get(LIST_URL, {"q": "walks SEA day"})

    assert response.content.decode().count('class="reflection"') == min(count, 20)
