from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def test_a_new_person_signs_up_and_lands_on_their_home_page(page: Page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name="Create a private account").click()

    page.get_by_label("Username").fill("river")
    page.get_by_label("I am the partner of someone who is recovering").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome back, river")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
