#!/usr/bin/env bash
# The README's test command (`npm test`). Works on a fresh machine that has only Node 20 and npm:
# installs pnpm and the workspace's dependencies when missing, finds Chromium and PostgreSQL for the
# browser and PostgreSQL suites, then runs every suite and prints one closing line `N passed, N failed`.
#
# Chromium and PostgreSQL are installed (apt-get, as root) only on CI (CI=true) or when asked:
# `HAIPAY_INSTALL=1 npm test`, or `npm run test:setup` (this script with --setup: install and set up
# everything, run nothing). Otherwise what is there is used; what is missing is named with the command
# that gets it, and its suites count as failed.
#
# Usage: bash scripts/test.sh [--setup] [run-tests.mjs arguments: --jobs=N, suite-name substrings]
set -euo pipefail
cd "$(dirname "$0")/.."
setup_only=0
if [ "${1:-}" = --setup ]; then
  setup_only=1
  export HAIPAY_INSTALL=1
  shift
fi
source scripts/bootstrap.sh
ensure_pnpm
ensure_deps
missing=0
ensure_chromium || missing=1 # run-tests.mjs fails the browser suites loudly without one
ensure_postgres || missing=1 # the PostgreSQL suites fail loudly without HAIPAY_PG_URL
if [ "$setup_only" = 1 ]; then
  [ "$missing" = 0 ] && echo "[bootstrap] Ready: pnpm, dependencies, Chromium and PostgreSQL. Run 'npm test'."
  exit "$missing"
fi
exec node scripts/run-tests.mjs "$@"
