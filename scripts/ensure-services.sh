#!/usr/bin/env bash
# Installs what the test suite starts for itself (redis-server, PostgreSQL, Chromium for the
# dashboard's browser test, and openssl for a test certificate). Debian packages, installed only when missing.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The dashboard's browser test drives the distribution's Chromium (never a downloaded browser build).
[ -x /usr/bin/chromium ] || need+=(chromium)
# The HTTP/2 upstream test makes a throw-away self-signed certificate with the openssl CLI.
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${need[*]} — install them (e.g. sudo apt-get install -y ${need[*]}) and run the tests again" >&2
  exit 1
fi

echo "installing ${need[*]} from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The package starts a system redis on 6379; tests start their own on free ports.
if command -v service >/dev/null 2>&1; then
  service redis-server stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
fi
