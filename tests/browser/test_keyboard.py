"""A person who cannot use a mouse walks the whole journey with the keyboard.

They sign up, open a stage, write and save a reflection, mark the stage done
and check in, with Tab, Shift+Tab, Enter, Space and the arrow keys only. At
every key press the element with focus must show it: an outline or shadow
with 3:1 contrast against what is around it, on screen.
"""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.test_layout import measure
from tests.conftest import PASSWORD


class Keyboard:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        self.presses += 1
        return self.focus_is_visible()

    def focus_is_visible(self) -> dict:
        focused = measure(self.page, "focused")
        assert focused["visible"], (
            f"After key press {self.presses} on {self.page.url}, the focus on "
            f"{focused.get('description')} cannot be seen: {focused}"
        )
        return focused

    def follow(self, key: str = "Enter") -> None:
        """Presses a key that opens another page, and waits for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.presses += 1

    def activate(self, key: str) -> None:
        """Presses a key that changes the page in place (the check comes after the change)."""
        self.page.keyboard.press(key)
        self.presses += 1

    def tab_to(self, name: str, backwards: bool = False, limit: int = 80) -> dict:
        """Tabs until the focused element's name contains `name` (unless it already does)."""
        focused = measure(self.page, "focused")
        if name.lower() in focused["name"].lower():
            return self.focus_is_visible()
        for _ in range(limit):
            focused = self.press("Shift+Tab" if backwards else "Tab")
            if name.lower() in focused["name"].lower():
                return focused
        raise AssertionError(f"{name!r} cannot be reached with the keyboard on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


@pytest.fixture
def journey(db):
    call_command("load_journeys", stdout=io.StringIO())


def test_a_new_person_walks_the_journey_with_the_keyboard_alone(page: Page, live_server, journey):
    keys = Keyboard(page)
    page.goto(live_server.url)

    # The first Tab offers to skip the navigation.
    assert "Skip to main content" in keys.press("Tab")["name"]

    keys.tab_to("Create a private account")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a private account")

    keys.tab_to("Username")
    keys.type("robin")
    # No answer is chosen in advance: Tab lands on the first, Space chooses it.
    keys.tab_to("I am recovering from an illness")
    keys.press("Space")
    expect(page.get_by_label("I am recovering from an illness")).to_be_checked()
    keys.tab_to("Password")
    keys.type(PASSWORD)
    keys.tab_to("Password confirmation")
    keys.type(PASSWORD)
    keys.tab_to("Create account")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Nearer, robin")

    keys.tab_to("Read the introduction")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finding each other again")
    keys.tab_to("Accepting what changed")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accepting what changed")

    keys.tab_to("Write your reflection")
    keys.type("Slow mornings are ours now. I am learning to like them.")
    keys.tab_to("Save")
    keys.activate("Space")
    first_prompt = page.locator(".prompt").first
    expect(first_prompt.get_by_role("status")).to_contain_text(re.compile(r"Saved at \d\d:\d\d"))

    keys.tab_to("Mark as done")
    keys.activate("Enter")
    expect(page.locator("#progress-controls")).to_contain_text("Done")
    # The answer takes the place of the buttons; focus lands on the new one.
    expect(page.get_by_role("button", name="Undo “Done”")).to_be_focused()
    keys.focus_is_visible()

    keys.tab_to("See all the stages")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Finding each other again")
    expect(page.locator(".task-list__item").first).to_contain_text("Done")

    keys.tab_to("Check in")
    keys.follow()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in")
    keys.tab_to("Not at all ready")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(page.get_by_label("Partly ready")).to_be_checked()
    keys.tab_to("A short note")
    keys.type("Better than last week.")
    keys.tab_to("Save my check-in")
    keys.activate("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved:")).to_contain_text("Partly ready")
    expect(page.get_by_role("table")).to_contain_text("Better than last week.")
    keys.press("Shift+Tab")
