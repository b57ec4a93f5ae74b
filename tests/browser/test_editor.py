from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.conftest import PASSWORD


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
