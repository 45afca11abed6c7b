#!/usr/bin/env bash
# `pnpm bench` / `npm run bench` (`--quick` for a short smoke run): the benchmark report. Sets up what
# the figures need the way the test command does: the dependencies; Chromium (QR render time),
# PostgreSQL (the router on the PostgreSQL store) and strace (fsync counts) when they are there, installed
# with apt-get only when asked (CI=true or HAIPAY_INSTALL=1, as root). Raises the open-file limit for the
# 10,000 idle status streams, then prints one table and, after a full run, writes bench/latest.json and
# the README's table.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_pnpm
ensure_deps
ensure_chromium || true
ensure_postgres || true

if ! [ -x /usr/bin/strace ]; then
  if may_install && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[bench] strace not found: installing Debian's strace package (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null || true
  fi
  [ -x /usr/bin/strace ] ||
    echo "[bench] No /usr/bin/strace: the fsync counts will say 'not measured'. Install strace" \
      "('apt-get install strace', or HAIPAY_INSTALL=1 pnpm bench as root)."
fi

# The load process and the router each hold one descriptor per open status stream.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10500 ]; then
  echo "[bench] ulimit -n is $(ulimit -n): fewer than 10,000 idle streams will be opened (the figure says how many)."
fi

exec node --conditions=@haipay-kit/source --import tsx bench/run.ts "$@"
