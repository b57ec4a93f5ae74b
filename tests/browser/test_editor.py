import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from journeys.models import Reflection
from tests.conftest import PASSWORD
from tests.test_admin import change_url, stage_form


def sign_in_to_the_admin(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_edits_previews_and_publishes_a_stage_that_a_person_then_reads(
    page: Page, browser: Browser, live_server, journey, editor, alice
):
    journey.stages.filter(slug="listening").update(published=False)
    csp_violations: list[str] = []

    def note_csp_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", note_csp_violation)

    sign_in_to_the_admin(page, live_server.url, "editor")
    page.get_by_role("link", name="Stages").first.click()
    page.get_by_role("link", name="Listening").click()
    page.get_by_label("Introduction").fill("Listen **slowly**, and let them finish.")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.get_by_role("link", name="everyone").click()
    expect(page.get_by_text("Draft preview")).to_be_visible()
    expect(page.locator("strong", has_text="slowly")).to_be_visible()
    assert csp_violations == []

    person_context = browser.new_context(base_url=live_server.url)
    person = person_context.new_page()
    person.goto("/accounts/login/")
    person.get_by_label("Username").fill("alice")
    person.get_by_label("Password").fill(PASSWORD)
    person.get_by_role("button", name="Sign in").click()
    response = person.goto(f"/journeys/{journey.slug}/listening/")
    assert response.status == 404

    page.go_back()
    page.get_by_role("checkbox", name="Published").check()
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    response = person.goto(f"/journeys/{journey.slug}/listening/")
    assert response.status == 200
    expect(person.get_by_text("let them finish")).to_be_visible()
    expect(person.locator("strong", has_text="slowly")).to_be_visible()
    expect(person.get_by_text("Draft preview")).to_have_count(0)
    assert csp_violations == []
    person_context.close()


def test_the_admin_runs_under_the_sites_content_security_policy(
    page: Page, live_server, journey, editor
):
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in_to_the_admin(page, live_server.url, "editor")
    stage = journey.stages.get(slug="listening")

    page.goto(f"{live_server.url}/admin/journeys/stage/add/")
    page.get_by_label("Title").press_sequentially("A new stage")
    expect(page.get_by_label("Slug")).to_have_value("a-new-stage")
    page.goto(f"{live_server.url}/admin/journeys/stage/{stage.pk}/change/")
    rows = page.locator("#prompts-group .inline-related:not(.empty-form)")
    count = rows.count()
    page.get_by_text("Add another Prompt").click()
    expect(rows).to_have_count(count + 1)
    page.goto(f"{live_server.url}/admin/journeys/journey/{journey.pk}/change/")
    page.goto(f"{live_server.url}/admin/journeys/stage/?q=listen")

    assert csp_violations == []


def an_editor_made_with_create_editor(monkeypatch, username: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command("create_editor", username, "--password-stdin", stdout=io.StringIO())


def signed_in_person(browser: Browser, base_url: str, username: str) -> Page:
    person = browser.new_context(base_url=base_url).new_page()
    person.goto("/accounts/login/")
    person.get_by_label("Username").fill(username)
    person.get_by_label("Password").fill(PASSWORD)
    person.get_by_role("button", name="Sign in").click()
    expect(person.get_by_role("link", name="Account")).to_be_visible()
    return person


def test_an_editor_drafts_previews_publishes_restores_and_retires_while_people_read_on(
    page: Page, browser: Browser, live_server, journey, alice, monkeypatch
):
    stage = journey.stages.get(slug="listening")
    first = stage.prompts.order_by("position").first()
    Reflection.start(alice, first, "We sat on the bench and I let her talk.")
    an_editor_made_with_create_editor(monkeypatch, "sam")
    person = signed_in_person(browser, live_server.url, "alice")
    stage_address = f"/journeys/{journey.slug}/listening/"

    sign_in_to_the_admin(page, live_server.url, "sam")
    page.get_by_role("link", name="Stages").first.click()
    page.get_by_role("link", name="Listening").click()
    page.get_by_label("Introduction").fill("Listen **slowly**, and let them finish.")
    page.locator("#id_prompts-0-text").fill("When did you last feel really heard?")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Draft saved. People still see the published version")).to_be_visible()

    person.goto(stage_address)
    expect(person.get_by_text("Some gentle words about")).to_be_visible()
    expect(person.get_by_text("When did you last feel really heard?")).to_have_count(0)

    for role, own_question in [
        ("everyone", None),
        ("the person recovering", "As the one recovering, what about listening?"),
        ("the partner", "As the partner, what about listening?"),
    ]:
        page.get_by_role("link", name=role, exact=True).click()
        expect(page.get_by_text("Draft preview")).to_be_visible()
        expect(page.locator("strong", has_text="slowly")).to_be_visible()
        expect(page.get_by_text("When did you last feel really heard?")).to_be_visible()
        if own_question:
            expect(page.get_by_text(own_question)).to_be_visible()
        page.go_back()

    page.get_by_role("button", name="Publish").first.click()
    expect(page.get_by_text("Published. People now see this version.")).to_be_visible()
    person.goto(stage_address)
    expect(person.locator("strong", has_text="slowly")).to_be_visible()
    expect(person.get_by_text("When did you last feel really heard?")).to_be_visible()

    page.get_by_role("link", name="History").click()
    expect(page.locator("ins", has_text="Listen **slowly**")).to_be_visible()
    page.get_by_role("button", name="Restore version 0 as a draft").click()
    expect(page.get_by_text("Version 0 is now the draft")).to_be_visible()
    page.get_by_role("link", name="everyone", exact=True).click()
    expect(page.get_by_text("Some gentle words about")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Publish").first.click()
    expect(page.get_by_text("Published. People now see this version.")).to_be_visible()
    person.goto(stage_address)
    expect(person.get_by_text("Some gentle words about")).to_be_visible()

    page.goto(f"{live_server.url}/admin/journeys/prompt/?q=listening")
    page.get_by_role("row", name=first.text).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Retire: hide from new writing")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("1 retired.")).to_be_visible()

    person.goto(stage_address)
    expect(person.get_by_text(first.text)).to_have_count(0)
    person.goto("/reflections/")
    expect(person.get_by_text("We sat on the bench and I let her talk.")).to_be_visible()
    expect(person.get_by_text(first.text)).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_stage_page_and_its_history_are_readable_at_phone_and_laptop_widths(
    browser: Browser, live_server, loaded_journey, editor, width, output_path
):
    stage = loaded_journey.stages.get(slug="laughing-together")
    client = Client()
    client.force_login(editor)
    changed = stage_form(
        stage,
        body=stage.body.replace("\n\n", "\n\nLaughing is allowed here.\n\n", 1),
        **{"prompts-1-help_text": "A small joke counts. So does a smile at the same moment."},
    )
    client.post(change_url(stage), changed | {"_publish": "Publish"})
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in_to_the_admin(page, live_server.url, "editor")
    folder = Path(output_path)
    folder.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}{change_url(stage)}")
    page.screenshot(path=folder / f"admin-stage-change-{width}.png", full_page=True)
    boxes = page.locator("#prompts-group textarea:visible")
    assert boxes.count() == 2 * stage.prompts.count()
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, index
        assert box["height"] >= 40, index
    for name in ["Position", "Addressed to", "Question", "Help text"]:
        expect(page.locator("#prompts-group").get_by_text(name).first).to_be_visible()
    expect(page.get_by_role("button", name="↑ Up question 2")).to_be_visible()

    page.goto(f"{live_server.url}/admin/journeys/stage/{stage.pk}/history/")
    page.screenshot(path=folder / f"admin-stage-history-{width}.png", full_page=True)
    expect(page.locator("ins", has_text="Laughing is allowed here.")).to_be_visible()
    assert page.evaluate("document.querySelector('.nearer-diff').scrollWidth") <= width


def test_up_and_down_reorder_the_questions_with_javascript_off(
    browser: Browser, live_server, journey, editor
):
    stage = journey.stages.get(slug="listening")
    first, second, _third = stage.prompts.order_by("position")
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in_to_the_admin(page, live_server.url, "editor")
    page.goto(f"{live_server.url}{change_url(stage)}")

    page.get_by_role("button", name="↓ Down question 1").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    assert [
        int(p)
        for p in page.locator("input.nearer-position:not([name*=__prefix__])").evaluate_all(
            "boxes => boxes.map(box => box.value)"
        )
    ] == [1, 2, 3]
    expect(page.locator("#id_prompts-0-text")).to_have_value(second.text)
    expect(page.locator("#id_prompts-1-text")).to_have_value(first.text)
