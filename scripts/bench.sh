#!/usr/bin/env bash
# `pnpm bench` / `npm run bench`: the benchmark report. Sets up what the figures need (dependencies,
# Chromium for the QR render time, PostgreSQL for its notifications figure) the same way the test
# command does, then prints one table and writes bench/latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_pnpm
ensure_deps
ensure_chromium || true
ensure_postgres || true
exec node --conditions=@haipay-kit/source --import tsx bench/run.ts "$@"
