"""The questions for the care team: a list a person writes, each question in
its own box, added, edited, moved, removed and cleared, kept for next time."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from journeys.models import CARE_QUESTIONS_MAX, CareQuestion, Prompt, Reflection
from tests.test_summary import URL, compose, pdf_text, questions

QUESTIONS_URL = "/account/summary/questions/"


def change(client, button: str, *texts: str, htmx: bool = False, **data):
    """Presses a button under the questions, with these in the boxes."""
    page = {"period": "none", "paper": "A4", **questions(*texts), **data}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(QUESTIONS_URL, {**page, "change": button}, headers=headers)


def kept(user) -> list[str]:
    return list(CareQuestion.objects.for_user(user).values_list("text", flat=True))


def boxes_in(content: str) -> list[str]:
    """The text in each question box, in the page's order."""
    found = re.findall(
        r'<textarea name="questions-\d+-text"[^>]*>\n?(.*?)</textarea>', content, re.S
    )
    return [text.replace("&#x27;", "'").replace("&quot;", '"') for text in found]


def autofocused(content: str) -> list[str]:
    return re.findall(r"<(?:textarea|button|div)[^>]*\bautofocus\b[^>]*>", content)


@pytest.fixture
def reflection(alice, journey) -> Reflection:
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    return Reflection.objects.create(
        user=alice, prompt=prompt, prompt_text=prompt.text, text="Alice's own words"
    )


def test_the_page_opens_with_my_kept_questions_each_in_its_box_and_an_empty_one(
    alice_client, alice, bob
):
    CareQuestion.objects.replace_for(user=alice, texts=["Can I drive?", "Why so tired?"])
    CareQuestion.objects.replace_for(user=bob, texts=["Bob's question?"])

    content = alice_client.get(URL).content.decode()

    assert boxes_in(content) == ["Can I drive?", "Why so tired?", ""]
    assert '<label class="label" for="id_questions-2-text">Question 3</label>' in content
    assert "Bob" not in content
    assert 'Remove<span class="visually-hidden"> question 2</span>' in content
    # The first cannot go up, the last cannot go down, and the empty box is not yet a question.
    assert 'value="up:1"' not in content
    assert 'value="down:2"' not in content
    assert 'value="remove:3"' not in content


def test_adding_keeps_what_i_typed_and_gives_an_empty_box_to_type_the_next(alice_client, alice):
    response = change(alice_client, "add", "Can I drive?", "  Why so tired?  ")

    content = response.content.decode()
    assert boxes_in(content) == ["Can I drive?", "  Why so tired?  ", ""]
    assert kept(alice) == ["Can I drive?", "Why so tired?"]
    assert "Your questions are saved." in content
    assert autofocused(content) == [
        '<textarea name="questions-2-text" cols="40" rows="2" autofocus id="id_questions-2-text">'
    ]


def test_empty_boxes_between_questions_are_left_out(alice_client, alice):
    response = change(alice_client, "save", "First?", "", "   ", "Second?", "")

    assert boxes_in(response.content.decode()) == ["First?", "Second?", ""]
    assert kept(alice) == ["First?", "Second?"]


def test_editing_a_question_and_saving_keeps_its_new_words(alice_client, alice):
    CareQuestion.objects.replace_for(user=alice, texts=["Can I drive?"])

    response = change(alice_client, "save", "Can I drive at night?", "")

    assert kept(alice) == ["Can I drive at night?"]
    content = response.content.decode()
    assert "Your questions are saved." in content
    assert 'value="save" formaction="/account/summary/questions/"' in content
    assert len(autofocused(content)) == 1 and 'value="save"' in autofocused(content)[0]


def test_removing_a_question_keeps_the_others_in_order(alice_client, alice):
    response = change(alice_client, "remove:2", "One?", "Two?", "Three?", "")

    content = response.content.decode()
    assert boxes_in(content) == ["One?", "Three?", ""]
    assert kept(alice) == ["One?", "Three?"]
    # The keyboard lands in the box that took its place.
    assert autofocused(content) == [
        '<textarea name="questions-1-text" cols="40" rows="2" autofocus id="id_questions-1-text">'
    ]


def test_removing_the_last_question_lands_in_the_empty_box(alice_client, alice):
    response = change(alice_client, "remove:1", "Only one?", "")

    content = response.content.decode()
    assert boxes_in(content) == [""]
    assert kept(alice) == []
    assert "Your questions are cleared." in content
    assert 'id="id_questions-0-text"' in autofocused(content)[0]


def test_moving_up_swaps_a_question_with_the_one_above_and_keeps_the_order(alice_client, alice):
    response = change(alice_client, "up:3", "One?", "Two?", "Three?", "")

    content = response.content.decode()
    assert boxes_in(content) == ["One?", "Three?", "Two?", ""]
    assert kept(alice) == ["One?", "Three?", "Two?"]
    # The same button, now question 2's, so pressing again moves it further.
    [focused] = autofocused(content)
    assert 'value="up:2"' in focused


def test_moving_down_swaps_a_question_with_the_one_below(alice_client, alice):
    response = change(alice_client, "down:1", "One?", "Two?", "Three?", "")

    content = response.content.decode()
    assert kept(alice) == ["Two?", "One?", "Three?"]
    [focused] = autofocused(content)
    assert 'value="down:2"' in focused


def test_a_question_moved_to_either_end_lands_in_its_box(alice_client, alice):
    to_the_top = change(alice_client, "up:2", "One?", "Two?", "").content.decode()
    to_the_bottom = change(alice_client, "down:1", "One?", "Two?", "").content.decode()

    assert 'id="id_questions-0-text"' in autofocused(to_the_top)[0]
    assert 'id="id_questions-1-text"' in autofocused(to_the_bottom)[0]


def test_moving_a_question_that_is_no_longer_there_changes_nothing(alice_client, alice):
    response = change(alice_client, "down:2", "One?", "Two?", "")

    assert response.status_code == 200
    assert kept(alice) == ["One?", "Two?"]
    assert autofocused(response.content.decode()) == []


def test_a_change_keeps_everything_else_i_typed_on_the_page(alice_client, alice, reflection):
    response = change(
        alice_client,
        "up:2",
        "One?",
        "Two?",
        "Half-typed third",
        reflections=[reflection.pk],
        period="4w",
        for_whom="Dr Okafor",
        show_name="on",
        paper="letter",
    )

    content = response.content.decode()
    assert boxes_in(content) == ["Two?", "One?", "Half-typed third", ""]
    assert re.search(rf'name="reflections" value="{reflection.pk}"[^>]* checked', content)
    assert re.search(r'name="period" value="4w"[^>]* checked', content)
    assert re.search(r'name="paper" value="letter"[^>]* checked', content)
    assert re.search(r'name="show_name"[^>]* checked', content)
    assert 'value="Dr Okafor"' in content
    # Changing the questions is not asking for a summary.
    assert "Choose at least one reflection" not in content
    assert "error-summary__title" not in content


def test_clearing_asks_first_and_keeps_the_questions_until_i_say_yes(alice_client, alice):
    CareQuestion.objects.replace_for(user=alice, texts=["One?", "Two?"])

    asked = change(alice_client, "clear", "One?", "Two?", "").content.decode()

    assert "Clear all 2 questions?" in asked
    assert boxes_in(asked) == ["One?", "Two?", ""]
    assert kept(alice) == ["One?", "Two?"]
    assert 'id="questions-confirm"' in autofocused(asked)[0]

    cleared = change(alice_client, "clear-confirmed", "One?", "Two?", "").content.decode()

    assert kept(alice) == []
    assert boxes_in(cleared) == [""]
    assert "Your questions are cleared." in cleared
    assert "Clear all questions" not in cleared


def test_no_keep_them_leaves_my_questions_and_goes_back_to_the_clear_button(alice_client, alice):
    CareQuestion.objects.replace_for(user=alice, texts=["One?"])

    response = change(alice_client, "keep", "One?", "")

    content = response.content.decode()
    assert kept(alice) == ["One?"]
    assert "Clear your question?" not in content
    assert 'value="clear"' in autofocused(content)[0]


def test_clearing_clears_only_my_questions(alice_client, alice, bob):
    CareQuestion.objects.replace_for(user=alice, texts=["Mine?"])
    CareQuestion.objects.replace_for(user=bob, texts=["Bob's question?"])

    change(alice_client, "clear-confirmed", "Mine?", "")

    assert kept(alice) == []
    assert kept(bob) == ["Bob's question?"]


def test_a_question_over_500_characters_is_refused_beside_its_box_and_kept(
    alice_client, alice, reflection
):
    CareQuestion.objects.replace_for(user=alice, texts=["Kept before?"])
    long_question = "Why " + "so " * 200 + "tired?"

    for response in (
        change(alice_client, "add", "A short one?", long_question, ""),
        compose(
            alice_client,
            "show",
            reflections=[reflection.pk],
            **questions("A short one?", long_question),
        ),
    ):
        content = response.content.decode()
        assert response["Content-Type"].startswith("text/html")
        message = "Question 2 is 610 characters long. Please shorten it to 500 or fewer"
        assert message in content
        # Beside its box, tied to it, and linked from the summary at the top.
        assert '<p class="error-message" id="id_questions-1-text_error">' in content
        assert f'<a href="#id_questions-1-text">{message}' in content
        assert long_question in content
        assert "<title>Error:" in content
        assert kept(alice) == ["Kept before?"]


def test_a_move_is_made_even_when_a_question_is_too_long_and_nothing_is_saved(alice_client, alice):
    long_question = "Why " + "so " * 200 + "tired?"

    response = change(alice_client, "up:2", "A short one?", long_question, "")

    content = response.content.decode()
    assert boxes_in(content) == [long_question, "A short one?", ""]
    assert 'aria-describedby="id_questions-0-text_error"' in content
    assert "Question 1 is 610 characters long" in content
    assert "Your questions are saved." not in content
    assert kept(alice) == []


def test_more_than_30_questions_are_refused_beside_the_box_past_the_limit_and_kept(
    alice_client, alice
):
    typed = [f"Question number {n}?" for n in range(1, CARE_QUESTIONS_MAX + 2)]

    response = change(alice_client, "save", *typed)

    content = response.content.decode()
    assert (
        "A summary holds up to 30 questions and this is question 31. Please remove one" in content
    )
    assert 'id="id_questions-30-text_error"' in content
    assert boxes_in(content) == typed
    assert kept(alice) == []


def test_at_30_questions_there_is_no_empty_box_and_the_page_says_why(alice_client, alice):
    CareQuestion.objects.replace_for(
        user=alice, texts=[f"Q{n}?" for n in range(1, CARE_QUESTIONS_MAX + 1)]
    )

    content = alice_client.get(URL).content.decode()

    assert len(boxes_in(content)) == CARE_QUESTIONS_MAX
    assert "You have 30 questions, as many as a summary holds." in content
    assert 'value="add"' not in content


def test_my_questions_are_kept_encrypted_in_order_for_next_time(alice_client, alice):
    change(alice_client, "save", "Second?", "", "  First  question?  ")

    assert kept(alice) == ["Second?", "First question?"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM journeys_carequestion")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "Second?" not in stored
    assert boxes_in(alice_client.get(URL).content.decode()) == ["Second?", "First question?", ""]


def test_the_pdf_the_page_to_print_and_the_json_export_keep_my_order(
    alice_client, alice, reflection
):
    change(alice_client, "up:2", "Asked second?", "Asked first?", "")
    order = questions("Asked first?", "Asked second?")

    text = pdf_text(compose(alice_client, "pdf", **order))
    page = compose(alice_client, "show", **order).content.decode()
    exported = json.loads(alice_client.get(reverse("account_export_json")).content)

    assert text.index("Asked first?") < text.index("Asked second?")
    assert re.search(r"<li>Asked first\?</li>\s*<li>Asked second\?</li>", page)
    assert exported["care_questions"] == ["Asked first?", "Asked second?"]


def test_the_page_to_print_carries_the_questions_to_the_pdf_and_back(alice_client, reflection):
    page = compose(
        alice_client, "show", reflections=[reflection.pk], **questions("Asked first?", "")
    ).content.decode()

    assert '<input type="hidden" name="questions-TOTAL_FORMS" value="2">' in page
    assert '<input type="hidden" name="questions-0-text" value="Asked first?">' in page
    back = compose(
        alice_client, "change", reflections=[reflection.pk], **questions("Asked first?", "")
    ).content.decode()
    assert boxes_in(back) == ["Asked first?", ""]


def test_enter_in_a_text_box_shows_the_summary_not_a_change_to_the_questions(alice_client):
    content = alice_client.get(URL).content.decode()

    first_button = re.search(r"<button[^>]*>", content[content.index('class="summary-form"') :])
    assert 'name="action" value="show" hidden' in first_button.group(0)


def test_with_htmx_only_the_questions_the_status_and_the_error_summary_come_back(
    alice_client, alice
):
    response = change(alice_client, "remove:1", "One?", "Two?", "", htmx=True)

    content = response.content.decode()
    assert "<html" not in content
    assert content.lstrip().startswith('<section class="questions" id="questions"')
    assert '<div id="error-summary" hx-swap-oob="true">' in content
    assert (
        '<div id="questions-status" hx-swap-oob="innerHTML"><p>Your questions are saved.' in content
    )
    assert boxes_in(content) == ["Two?", ""]
    assert "HX-Request" in response["Vary"]


def test_with_htmx_an_error_comes_beside_its_box_and_in_the_summary(alice_client, alice):
    long_question = "Why " + "so " * 200 + "tired?"

    response = change(alice_client, "add", long_question, htmx=True)

    content = response.content.decode()
    summary = content[content.index('id="error-summary"') :]
    assert '<a href="#id_questions-0-text">Question 1 is 610 characters long' in summary
    assert 'id="id_questions-0-text_error"' in content
    assert kept(alice) == []


def test_a_signed_out_htmx_change_keeps_the_page_and_says_so(client, db):
    response = change(client, "save", "Typed before the session ended?", htmx=True)

    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert "Not saved yet: you have been signed out." in response.content.decode()
    assert not CareQuestion.objects.exists()


def test_without_javascript_a_signed_out_change_gives_every_question_back(client, db):
    response = change(client, "save", "Typed before the session ended?")

    content = response.content.decode()
    assert response.status_code == 401
    assert "You have been signed out" in content
    assert "Typed before the session ended?</textarea>" in content
    assert f'href="{reverse("login")}?next=/account/summary/"' in content
    assert "no-store" in response["Cache-Control"]
    assert not CareQuestion.objects.exists()


def test_a_button_that_is_not_one_of_the_page_is_refused(alice_client, alice):
    for button in ("explode", "up:two", ""):
        assert change(alice_client, button, "One?").status_code == 400
    assert kept(alice) == []


def test_changes_answer_only_to_post(alice_client):
    assert alice_client.get(QUESTIONS_URL).status_code == 405


def test_someone_elses_reflection_in_a_change_shows_nothing_of_theirs(alice_client, bob, journey):
    prompt = Prompt.objects.filter(stage__journey=journey).first()
    bobs = Reflection.objects.create(
        user=bob, prompt=prompt, prompt_text=prompt.text, text="Bob's own words"
    )

    response = change(alice_client, "save", "Mine?", reflections=[bobs.pk])

    assert "Bob's own words" not in response.content.decode()
    assert "Bob&#x27;s own words" not in response.content.decode()


def test_nothing_of_the_questions_page_is_kept_by_a_browser_or_a_cache(alice_client):
    assert "no-store" in change(alice_client, "save", "Mine?")["Cache-Control"]
