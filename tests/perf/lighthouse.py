"""Lighthouse scores for the home, journey and stage pages, against gunicorn in production mode.

    npm i -g lighthouse@12      # once; 13 needs Node 22
    .venv/bin/python tests/perf/lighthouse.py [--form-factor mobile|desktop] [--keep DIR]

Starts a throwaway Nearer (tests/perf/demo_site.py: DJANGO_DEBUG=false,
static files collected, a demo person with notes) on 127.0.0.1, runs
Lighthouse 12 in Debian's Chromium on each page, and prints the
accessibility, best-practices and performance scores. The journey and stage
pages are seen signed in: the demo person's session cookie goes with every
request (`--extra-headers`). Exits 1 when a score is under its target
(100, 100, 95), listing what cost points.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.demo_site import DemoSite

JOURNEY = "/journeys/finding-each-other-again/"
PAGES = [
    ("home (signed out)", "/", False),
    ("journey", JOURNEY, True),
    ("stage", JOURNEY + "accepting-what-changed/", True),
]
TARGETS = {"accessibility": 100, "best-practices": 100, "performance": 95}
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


def lighthouse(url: str, headers: dict, form_factor: str, report: Path) -> dict:
    command = [
        shutil.which("lighthouse") or "lighthouse",
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=accessibility,best-practices,performance",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode or not report.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(report.read_text())


def costs(result: dict, category: str) -> list[str]:
    """The audits that lost points in a category, with Lighthouse's title."""
    lost = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lost.append(f"{audit['id']}: {audit['title']}{value}")
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form-factor", choices=["mobile", "desktop"], default="mobile")
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not shutil.which("lighthouse"):
        raise SystemExit("lighthouse is not installed: npm i -g lighthouse@12")

    reports = args.keep or Path(tempfile.mkdtemp(prefix="nearer-lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    below = False
    with DemoSite() as site:
        cookie = f"{site.cookie['name']}={site.cookie['value']}"
        print(f"Lighthouse {lighthouse_version()}, {args.form_factor}, against {site.url}\n")
        print(f"{'page':<20} {'accessibility':>13} {'best-practices':>14} {'performance':>11}")
        for name, path, signed_in in PAGES:
            headers = {"Cookie": cookie} if signed_in else {}
            report = reports / f"{path.strip('/').replace('/', '_') or 'home'}.json"
            result = lighthouse(site.url + path, headers, args.form_factor, report)
            scores = {
                category: round(result["categories"][category]["score"] * 100)
                for category in TARGETS
            }
            print(
                f"{name:<20} {scores['accessibility']:>13} {scores['best-practices']:>14} "
                f"{scores['performance']:>11}"
            )
            for category, target in TARGETS.items():
                if scores[category] < target:
                    below = True
                    for line in costs(result, category):
                        print(f"    {category}: {line}")
    if not args.keep:
        shutil.rmtree(reports, ignore_errors=True)
    sys.exit(1 if below else 0)


def lighthouse_version() -> str:
    result = subprocess.run(["lighthouse", "--version"], capture_output=True, text=True)
    return result.stdout.strip()


if __name__ == "__main__":
    main()
