"""Nearer's production settings plus the bare baseline view, for the perf scripts only.

The same settings as the site (read from the same environment), with one
difference: the URLconf adds `/perf/bare/`, a plain HttpResponse that every
script measures beside the real pages. The site itself never serves it.
`NEARER_PERF_PASSWORD_HASHER` lets logins.py compare another hasher, and
`NEARER_PERF_INSTANCE` names the app server in a response header for
scaleout.py.
"""

import os

from guide.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.urls"

if os.environ.get("NEARER_PERF_PASSWORD_HASHER"):
    PASSWORD_HASHERS = [os.environ["NEARER_PERF_PASSWORD_HASHER"]]

if os.environ.get("NEARER_PERF_INSTANCE"):
    MIDDLEWARE = ["tests.perf.middleware.instance_header", *MIDDLEWARE]  # noqa: F405
