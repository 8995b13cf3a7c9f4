#!/usr/bin/env bash
# Installs the real servers the test suite starts for itself (redis-server today; PostgreSQL and
# Chromium join as the issues that need them land). Debian packages, installed only when missing.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

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
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
