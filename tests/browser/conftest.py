from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Browser, Playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def playwright(playwright: Playwright) -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread, and
    # while one runs, Django keeps the thread's database connections apart
    # from the others (asgiref's thread-critical local turns into a context
    # variable). A test that runs after the browser tests, without a live
    # server, opens one there, and once Playwright stops nothing can reach it
    # to close it: PostgreSQL would then refuse to drop the test database
    # ("being accessed by other users"). So they are closed before it stops.
    yield playwright
    connections.close_all()


@pytest.fixture(autouse=True)
def close_every_context_after_its_test(browser: Browser) -> Iterator[None]:
    # An open context keeps keep-alive connections to the live server, each
    # served by a thread of its own with its own database connection. Left
    # open, those threads end only when Chromium quits, long after their test,
    # still holding a connection to a database that later tests flush and the
    # session finally drops.
    yield
    for context in browser.contexts:
        context.close()


def pytest_collection_modifyitems(items):
    # The live server runs in another thread, which needs committed data.
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.django_db(transaction=True))
