"""A summary for the care team, composed in a real browser, with JavaScript and without."""

import io
from datetime import timedelta

import pikepdf
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from journeys.models import CheckIn, Prompt, Readiness, Reflection
from tests.browser.demo import session_cookie


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


def signed_in_page(browser: Browser, live_server, user, javascript: bool = True) -> Page:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, accept_downloads=True
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
    page.get_by_label("Questions for my care team").fill(
        "Is it normal to feel this tired?\nWhen can we travel again?"
    )
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
