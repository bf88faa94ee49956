#!/usr/bin/env bash
# Installs the Debian packages the integration tests need when they are missing: the independent
# clients they drive (Debian's AWS CLI v2, rclone, ffmpeg, sqlite3), the PostgreSQL server the
# ledger suites start and the Chromium the status page is tested in. Needs root (or passwordless
# sudo) the first time.
set -euo pipefail

need=()
command -v rclone >/dev/null 2>&1 || need+=(rclone)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/aws ] || need+=(awscli)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# The PostgreSQL suites (*.pg.test.ts) start a throwaway server from Debian's binaries unless
# BUCKETBRIDGE_TEST_POSTGRES_URL names one.
[ -n "${BUCKETBRIDGE_TEST_POSTGRES_URL:-}" ] || [ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
# The service's status page is tested in Debian's headless Chromium (driven by playwright-core).
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages for the integration tests: ${need[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
