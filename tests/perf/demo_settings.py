"""Nearer's own settings, with the static files collected into a scratch folder.

For the screenshot and Lighthouse scripts (tests/perf/demo_site.py), so a
throwaway production server never writes into the checkout's staticfiles/.
"""

import os

from guide.settings import *  # noqa: F403

STATIC_ROOT = os.environ["NEARER_DEMO_STATIC_ROOT"]
