# Sourced by scripts/test.sh and scripts/demo.sh: idempotent installers for what a fresh machine lacks.
# Each says exactly what it is doing, and what to install by hand when it cannot.

PNPM_VERSION=12.21.0

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1; then return 0; fi
  echo "[bootstrap] pnpm not found: installing pnpm@${PNPM_VERSION} with npm"
  npm i -g "pnpm@${PNPM_VERSION}" --allow-scripts=pnpm >/dev/null
}

ensure_deps() {
  # better-sqlite3 compiles from source; point node-gyp at the local Node headers instead of downloading.
  export npm_config_nodedir="${npm_config_nodedir:-/usr}"
  # Fast (well under a second) when node_modules already matches the lockfile.
  pnpm install --frozen-lockfile --reporter=append-only | grep -vE '^(Progress|Packages):' || true
  [ -d node_modules/.pnpm ] || { echo "[bootstrap] pnpm install failed"; return 1; }
}

find_chromium() {
  for c in "${CHROME_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome \
    /usr/bin/google-chrome-stable; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

ensure_chromium() {
  local c
  if c=$(find_chromium); then export HAIPAY_CHROME="$c"; return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[bootstrap] Chromium not found: installing Debian's chromium package (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    if c=$(find_chromium); then export HAIPAY_CHROME="$c"; return 0; fi
  fi
  echo "[bootstrap] No Chromium found. Install one (Debian/Ubuntu: 'apt-get install chromium') or set" \
    "CHROME_PATH to a Chrome/Chromium binary. Browser suites will fail until then."
  return 1
}

ensure_postgres() {
  # Filled in by the PostgreSQL store work (issue 8); until then there is nothing to start.
  return 0
}
