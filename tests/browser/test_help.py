from playwright.sync_api import Page, expect


def test_the_help_page_is_styled_like_the_rest_on_a_phone(page: Page, live_server, db):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/help/?country=AU")

    professional = page.locator(".help-list dt").first
    assert int(professional.evaluate("e => getComputedStyle(e).fontWeight")) >= 700
    assert professional.evaluate("e => e.getBoundingClientRect().left") == page.locator(
        ".help-list dd"
    ).first.evaluate("e => e.getBoundingClientRect().left")
    line = page.locator(".helpline").filter(has_text="Lifeline")
    expect(line.get_by_role("link", name="13 11 14")).to_have_attribute("href", "tel:131114")
    assert line.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
