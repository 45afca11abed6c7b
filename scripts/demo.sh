#!/usr/bin/env bash
# The README's demo command (`npm run demo`). Works on a fresh machine with only Node 20 and npm:
# installs pnpm and dependencies when missing, then starts the demo on one port (honours PORT and HOST;
# 127.0.0.1 by default). Refuses NODE_ENV=production.
set -euo pipefail
cd "$(dirname "$0")/.."
# Before installing anything: the demo runs a fake gateway that marks orders paid on request.
if [ "$(printf '%s' "${NODE_ENV:-}" | tr '[:upper:]' '[:lower:]')" = "production" ]; then
  echo "[demo] Refusing to start with NODE_ENV=production: the demo runs the HaiPay sandbox, a fake gateway" >&2
  echo "[demo] that marks orders paid on request. Never run the demo (or the sandbox) in production." >&2
  exit 1
fi
source scripts/bootstrap.sh
ensure_pnpm
ensure_deps
if [ -f demo/server.ts ]; then
  exec node --conditions=@haipay-kit/source --import tsx demo/server.ts
fi
# The storefront is not built yet (issue "Demo storefront"); until then the demo is the sandbox gateway
# with its hosted pages, so a reviewer can still see the 3DS, cashier and bank-app pages.
echo "[demo] The storefront is coming; starting the HaiPay sandbox gateway instead."
exec node --conditions=@haipay-kit/source --import tsx packages/sandbox/src/cli.ts --port "${PORT:-4010}" --host "${HOST:-127.0.0.1}"
