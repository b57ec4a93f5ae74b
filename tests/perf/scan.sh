#!/usr/bin/env bash
# Scans a live Nearer with wapiti3, signed in as a person who has written
# reflections and a check-in, and prints how many findings it reported.
# Not part of CI: it takes minutes.
#
#   tests/perf/scan.sh                         # at most 10 minutes of scanning
#   NEARER_SCAN_SECONDS=120 tests/perf/scan.sh
#
# Everything runs on 127.0.0.1: gunicorn with the production settings (but
# plain-HTTP cookies, tests/perf/scan_settings.py) on a scratch SQLite
# database. /admin/, /static/ and the addresses that would end the session
# (sign out, sign out everywhere, delete) are left out. Modules that call
# an outside server (ssrf, xxe, log4shell, takeover, wapp, cms, nikto) are
# not run.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${NEARER_SCAN_SECONDS:-600}"
port="${NEARER_SCAN_PORT:-8765}"
modules="${NEARER_SCAN_MODULES:-exec,file,permanentxss,redirect,sql,xss,csrf,crlf,methods,backup,htaccess,upload,ldap}"
base="http://127.0.0.1:$port"

bin/setup-tools >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/nearer-scan-XXXXXX")
server=""
cleanup() {
    if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=tests.perf.scan_settings
export DJANGO_DEBUG=false
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="sqlite:///$work/db.sqlite3"
DJANGO_SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
NEARER_ENCRYPTION_KEYS=$(.venv/bin/python -c \
    'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export DJANGO_SECRET_KEY NEARER_ENCRYPTION_KEYS

.venv/bin/python manage.py migrate --no-input --verbosity 0
.venv/bin/python manage.py load_journeys >/dev/null
session=$(.venv/bin/python -m tests.perf.scan_seed 2>/dev/null)

setsid .venv/bin/gunicorn --bind "127.0.0.1:$port" --workers 2 --no-control-socket \
    guide.wsgi >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do
    curl -fs -o /dev/null "$base/healthz" && break
    sleep 0.2
done

echo "Scanning $base for at most $seconds s with: $modules"
start=$(date +%s)
timeout --kill-after=30 $((seconds + 300)) .venv-tools/bin/wapiti \
    -u "$base/" --scope folder -C "sessionid=$session" \
    -x "$base/admin/*" -x "$base/static/*" -x "$base/accounts/logout/" \
    -x "$base/account/sign-out-everywhere/" -x "$base/account/delete/" \
    -m "$modules" --max-scan-time "$seconds" --max-attack-time 120 \
    --flush-session --store-session "$work/wapiti" --store-config "$work/wapiti" \
    -f json -o "$work/report.json" -v 0 || echo "wapiti stopped with status $?"
echo "Scan took $(($(date +%s) - start)) s"

.venv/bin/python - "$work/report.json" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))
for kind in ("vulnerabilities", "anomalies", "additionals"):
    found = {name: items for name, items in report.get(kind, {}).items() if items}
    print(f"{kind}: {sum(len(items) for items in found.values())}")
    for name, items in found.items():
        print(f"  {name}: {len(items)}")
        for item in items:
            print(f"    {item.get('method')} {item.get('path')} {item.get('parameter', '')}: "
                  f"{item.get('info', '')[:160]}")
PY
