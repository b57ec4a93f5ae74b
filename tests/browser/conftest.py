import pytest

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


def pytest_collection_modifyitems(items):
    # The live server runs in another thread, which needs committed data.
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.django_db(transaction=True))
