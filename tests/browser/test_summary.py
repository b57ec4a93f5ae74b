"""A summary for the care team, composed in a real browser, with JavaScript and without."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from journeys.models import CareQuestion, CheckIn, Prompt, Readiness, Reflection
from tests.browser.demo import session_cookie

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def written(alice, bob, journey) -> dict:
    prompts = Prompt.objects.filter(stage__journey=journey, audience="everyone")
    accepting, listening, pace = prompts.order_by("stage__position")

    def reflect(user, prompt, text):
        Reflection.objects.create(user=user, prompt=prompt, prompt_text=prompt.text, text=text)

    reflect(alice, accepting, "Accepting took a long time.")
    reflect(alice, accepting, "Some days it still does.")
    reflect(alice, listening, "He listens better than I thought.")
    reflect(alice, pace, "Not for the doctor: about our pace.")
    reflect(bob, accepting, "Bob wrote this for himself.")
    for days, readiness in ((2, Readiness.MOSTLY), (9, Readiness.A_LITTLE)):
        CheckIn.objects.create(
            user=alice,
            journey=journey,
            readiness=readiness,
            created=timezone.now() - timedelta(days=days),
        )


def signed_in_page(browser: Browser, live_server, user, javascript: bool = True, **options) -> Page:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, accept_downloads=True, **options
    )
    context.add_cookies([session_cookie(user, live_server.url)])
    return context.new_page()


def pdf_words(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def compose(page: Page) -> None:
    page.goto("/account/")
    page.get_by_role("link", name="Make a summary for your doctor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A summary for your care team")
    page.get_by_label("Choose all 2 reflections in this stage").check()
    page.get_by_label("He listens better than I thought.").check()
    page.get_by_role("radio", name="The last 4 weeks").check()
    page.get_by_label("Question 1", exact=True).fill("Is it normal to feel this tired?")
    page.get_by_role("button", name="Add a question").click()
    # Once the keyboard is in the new box: htmx puts it there just after the swap.
    expect(page.get_by_label("Question 2", exact=True)).to_be_focused()
    page.get_by_label("Question 2", exact=True).fill("When can we travel again?")
    page.get_by_label("For (optional)").fill("Dr Okafor")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_composes_a_summary_sees_it_and_downloads_the_tagged_pdf(
    browser: Browser, live_server, alice, written, javascript
):
    page = signed_in_page(browser, live_server, alice, javascript)
    compose(page)
    page.get_by_role("button", name="Show my summary").click()

    document = page.locator("article.summary-doc")
    expect(document.get_by_role("heading", level=1)).to_have_text("For my care team")
    expect(document).to_contain_text("For: Dr Okafor")
    expect(document).to_contain_text("Some days it still does.")
    expect(document).not_to_contain_text("about our pace")
    expect(document.get_by_role("img", name="Chart of how ready I have felt")).to_be_visible()
    expect(document.get_by_role("table").locator("tbody tr")).to_have_count(2)
    # Printing needs JavaScript for its button; without it the page says to use the menu.
    expect(page.get_by_role("button", name="Print")).to_be_visible(visible=javascript)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"summary-{timezone.localdate():%Y-%m-%d}.pdf"
    content = download.path().read_bytes()

    words = pdf_words(content)
    for chosen in (
        "Accepting took a long time.",
        "Some days it still does.",
        "He listens better than I thought.",
        "Is it normal to feel this tired?",
        "When can we travel again?",
        "Dr Okafor",
    ):
        assert chosen in words
    assert "about our pace" not in words
    assert "Bob" not in words
    pdf = pikepdf.open(io.BytesIO(content))
    assert pdf.Root.MarkInfo.Marked is True
    assert "/Lang" in pdf.Root
    assert "/StructTreeRoot" in pdf.Root


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_pdf_can_be_downloaded_straight_from_the_form(
    browser: Browser, live_server, alice, written, javascript
):
    page = signed_in_page(browser, live_server, alice, javascript)
    compose(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()

    words = pdf_words(download_info.value.path().read_bytes())
    assert "He listens better than I thought." in words
    assert "Bob" not in words


def test_a_form_with_nothing_chosen_says_so_and_keeps_what_was_typed(
    browser: Browser, live_server, alice, written
):
    page = signed_in_page(browser, live_server, alice, javascript=False)
    page.goto("/account/summary/")
    page.get_by_label("For (optional)").fill("My counsellor")
    page.get_by_role("button", name="Show my summary").click()

    expect(page.get_by_role("alert")).to_contain_text("Choose at least one reflection")
    expect(page.get_by_label("For (optional)")).to_have_value("My counsellor")


def test_printing_the_summary_leaves_out_the_site_and_its_buttons(
    browser: Browser, live_server, alice, written
):
    page = signed_in_page(browser, live_server, alice)
    compose(page)
    page.get_by_role("button", name="Show my summary").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()

    printed = pdf_words(page.pdf(format="A4"))

    assert "For my care team" in printed
    assert "Some days it still does." in printed
    assert "Dr Okafor" in printed
    for left_out in (
        "Leave this page quickly",
        "Your journey",
        "My reflections Check-ins",
        "Sign out",
        "Download as PDF",
        "Change what is in it",
        "Print",
        "Nearer",
    ):
        assert left_out not in printed, left_out


def question(page: Page, number: int):
    return page.get_by_label(f"Question {number}", exact=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_person_adds_moves_removes_and_clears_questions_on_a_phone(
    browser: Browser, live_server, alice, written, javascript
):
    page = signed_in_page(browser, live_server, alice, javascript, viewport=PHONE)
    page.goto("/account/summary/")
    page.get_by_label("He listens better than I thought.").check()
    page.get_by_role("radio", name="The last 4 weeks").check()
    page.get_by_label("For (optional)").fill("Dr Okafor")

    for number, text in enumerate(
        ["Is it normal to feel this tired?", "When can we travel again?", "Can I drive yet?"], 1
    ):
        question(page, number).fill(text)
        page.get_by_role("button", name="Add a question").click()
        # The next empty box is where the keyboard is, ready to type in.
        expect(question(page, number + 1)).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Your questions are saved.")).to_be_visible()
    if javascript:
        # As a phone shows it, from the questions' heading down to their last button.
        page.set_viewport_size({"width": 390, "height": 1250})
        page.mouse.move(0, 0)
        page.get_by_role("heading", name="Your questions").evaluate(
            "heading => window.scrollTo(0, heading.getBoundingClientRect().top + scrollY - 70)"
        )
        page.screenshot(path=SCREENSHOTS / "summary-questions-390.png")
        page.set_viewport_size(PHONE)

    page.get_by_role("button", name="Move up question 3").click()
    expect(question(page, 2)).to_have_value("Can I drive yet?")
    expect(question(page, 3)).to_have_value("When can we travel again?")
    # On the same button, which now moves question 2, so pressing again goes further.
    expect(page.get_by_role("button", name="Move up question 2")).to_be_focused()

    page.get_by_role("button", name="Remove question 1").click()
    expect(question(page, 1)).to_have_value("Can I drive yet?")
    expect(question(page, 1)).to_be_focused()
    expect(question(page, 3)).to_have_value("")

    # Everything else on the page is as it was typed.
    expect(page.get_by_label("For (optional)")).to_have_value("Dr Okafor")
    expect(page.get_by_label("He listens better than I thought.")).to_be_checked()
    expect(page.get_by_role("radio", name="The last 4 weeks")).to_be_checked()
    assert CareQuestion.objects.for_user(alice).count() == 2
    # With JavaScript only the questions changed; without, the page came back from the server.
    assert page.url.endswith("/account/summary/questions/") is not javascript

    clear = page.get_by_role("button", name="Clear all questions", exact=True)
    clear.click()
    expect(page.get_by_role("group", name="Clear all 2 questions?")).to_be_focused()
    page.get_by_role("button", name="No, keep them").click()
    expect(page.get_by_text("Clear all 2 questions?")).to_have_count(0)
    expect(question(page, 2)).to_have_value("When can we travel again?")
    expect(clear).to_be_focused()
    clear.click()
    page.get_by_role("button", name="Yes, clear all questions").click()
    expect(
        page.get_by_role("status").filter(has_text="Your questions are cleared.")
    ).to_be_visible()
    expect(question(page, 1)).to_have_value("")
    expect(question(page, 2)).to_have_count(0)

    page.goto("/account/summary/")
    expect(question(page, 1)).to_have_value("")
    assert not CareQuestion.objects.for_user(alice).exists()


def test_the_keyboard_lands_in_a_new_question_once_and_stays_where_the_person_moves_it(
    browser: Browser, live_server, alice, written
):
    page = signed_in_page(browser, live_server, alice)
    # The page's clock stands still until told to run, so the person below
    # moves on before anything the page put off for later has happened.
    page.clock.install()
    page.goto("/account/summary/")
    page.clock.pause_at(timezone.now() + timedelta(minutes=1))
    question(page, 1).fill("Is it normal to feel this tired?")
    page.get_by_role("button", name="Add a question").click()
    expect(question(page, 2)).to_be_focused()

    page.get_by_label("For (optional)").focus()
    page.clock.run_for(1000)
    expect(page.get_by_label("For (optional)")).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_question_too_long_is_named_beside_its_box_and_nothing_typed_is_lost(
    browser: Browser, live_server, alice, written, javascript
):
    long_question = "Why am I " + "so very " * 70 + "tired?"
    page = signed_in_page(browser, live_server, alice, javascript, viewport=PHONE)
    page.goto("/account/summary/")
    page.get_by_label("For (optional)").fill("Nurse Lee")
    question(page, 1).fill("A short one?")
    page.get_by_role("button", name="Add a question").click()
    expect(question(page, 2)).to_be_focused()
    question(page, 2).fill(long_question)
    page.get_by_role("button", name="Add a question").click()

    message = "Question 2 is 575 characters long. Please shorten it to 500 or fewer"
    expect(page.locator(".error-summary")).to_contain_text(message)
    expect(question(page, 2)).to_have_accessible_description(re.compile(re.escape(message)))
    expect(question(page, 2)).to_have_value(long_question)
    expect(page.get_by_label("For (optional)")).to_have_value("Nurse Lee")
    page.locator(".error-summary a").click()
    expect(question(page, 2)).to_be_focused()
    assert list(CareQuestion.objects.for_user(alice).values_list("text", flat=True)) == [
        "A short one?"
    ]


def test_enter_in_the_for_line_shows_the_summary(browser: Browser, live_server, alice, written):
    page = signed_in_page(browser, live_server, alice, javascript=False)
    page.goto("/account/summary/")
    question(page, 1).fill("Is it normal to feel this tired?")
    page.get_by_label("For (optional)").fill("Dr Okafor")
    page.get_by_label("For (optional)").press("Enter")

    expect(page.locator("article.summary-doc")).to_contain_text("Is it normal to feel this tired?")
