#!/usr/bin/env bash
# The README's test command (`npm test`). Works on a fresh machine that has only Node 20 and npm:
# installs pnpm and the workspace's dependencies when missing, finds (or installs) Chromium for the
# browser suites, then runs every suite and prints one closing line `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
ensure_pnpm
ensure_deps
ensure_chromium || true   # run-tests.mjs fails the browser suites loudly when HAIPAY_CHROME is unset
ensure_postgres || true   # likewise for the PostgreSQL suites (HAIPAY_PG_URL unset)
exec node scripts/run-tests.mjs "$@"
