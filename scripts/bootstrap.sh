# Sourced by scripts/test.sh and scripts/demo.sh: idempotent installers for what a fresh machine lacks.
# Each says exactly what it is doing, and what to install by hand when it cannot.
#
# pnpm and the workspace's dependencies are always installed when missing. System packages (Chromium,
# PostgreSQL through apt-get) and system setup (a PostgreSQL cluster, role and database) only when
# asked: on CI (CI=true) or with HAIPAY_INSTALL=1 (`npm run test:setup` sets it). Otherwise what is there
# is used, and what is missing is named with the command that gets it.

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

# True when system packages and setup may be installed: CI=true, or HAIPAY_INSTALL=1.
may_install() {
  case "${CI:-}" in true | TRUE | True | 1) return 0 ;; esac
  [ "${HAIPAY_INSTALL:-}" = 1 ]
}

# How to get what is missing, the same words in every message.
ASK_INSTALL="'npm run test:setup' (or 'HAIPAY_INSTALL=1 npm test') installs it (Debian/Ubuntu, as root, apt-get)"

find_chromium() {
  for c in "${HAIPAY_CHROME:-}" "${CHROME_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser \
    /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

ensure_chromium() {
  local c
  if c=$(find_chromium); then export HAIPAY_CHROME="$c"; return 0; fi
  if may_install && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[bootstrap] Chromium not found: installing Debian's chromium package (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    if c=$(find_chromium); then export HAIPAY_CHROME="$c"; return 0; fi
  fi
  echo "[bootstrap] No Chromium found: the browser suites will fail. $ASK_INSTALL; or run" \
    "'apt-get install chromium' yourself, or set HAIPAY_CHROME to a Chrome/Chromium binary."
  return 1
}

# True when a PostgreSQL URL accepts a connection (psql when installed, else the workspace's `pg`).
_pg_reachable() {
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=3 psql "$1" -qtAc 'SELECT 1' >/dev/null 2>&1
    return
  fi
  [ -d packages/postgres/node_modules/pg ] || return 1
  node --input-type=module -e "
    import { createRequire } from 'node:module';
    const pg = createRequire(process.cwd() + '/packages/postgres/package.json')('pg');
    const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    await c.connect(); await c.end();" "$1" >/dev/null 2>&1
}

# The PostgreSQL suites (packages/postgres) read HAIPAY_PG_URL. Uses it when it is set and answers, or
# else the local database these steps create (role haipay/haipay, database haipay_test) when it answers.
# When asked (may_install), sets that up: installs Debian's postgresql when missing (root + apt-get),
# creates/starts a cluster, makes the password role and the database (127.0.0.1 needs a password role:
# the Debian pg_hba.conf has scram-sha-256 there), and exports HAIPAY_PG_URL pointing at it. Otherwise
# it says what is missing and how to get it; the suites then fail with the same advice.
ensure_postgres() {
  if [ "${HAIPAY_SKIP_PG:-}" = 1 ]; then
    echo "[bootstrap] HAIPAY_SKIP_PG=1: not setting up PostgreSQL; its suites will skip"
    return 0
  fi
  if [ -n "${HAIPAY_PG_URL:-}" ]; then
    if _pg_reachable "$HAIPAY_PG_URL"; then return 0; fi
    if ! may_install; then
      echo "[bootstrap] HAIPAY_PG_URL is set but does not answer: the PostgreSQL suites will fail. Start" \
        "that server, or unset HAIPAY_PG_URL to use a local one ('npm run test:setup' sets one up)."
      return 1
    fi
    echo "[bootstrap] HAIPAY_PG_URL is set but does not answer; setting up a local PostgreSQL instead"
  fi
  local root=0 cluster ver name port status
  [ "$(id -u)" = 0 ] && root=1
  # What is there: a running cluster (or the default port) where role haipay and haipay_test exist.
  port=5432
  if command -v pg_lsclusters >/dev/null 2>&1; then
    cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1)
    [ -n "$cluster" ] && read -r ver name port status _ <<<"$cluster"
  fi
  local url="postgres://haipay:haipay@127.0.0.1:${port}/haipay_test"
  if _pg_reachable "$url"; then
    export HAIPAY_PG_URL="$url"
    echo "[bootstrap] PostgreSQL on port $port: HAIPAY_PG_URL=$url"
    return 0
  fi
  if ! may_install; then
    echo "[bootstrap] No PostgreSQL answers at $url: the PostgreSQL suites will fail. $ASK_INSTALL," \
      "creates a cluster and the role haipay (password haipay) with database haipay_test; or set" \
      "HAIPAY_PG_URL=postgres://user:pass@host:5432/db to a database of yours."
    return 1
  fi
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    if [ "$root" = 1 ] && command -v apt-get >/dev/null 2>&1; then
      echo "[bootstrap] PostgreSQL not found: installing Debian's postgresql package (apt-get)"
      apt-get update -qq >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1
    fi
    if ! command -v pg_lsclusters >/dev/null 2>&1; then
      echo "[bootstrap] No PostgreSQL. Install it (Debian/Ubuntu: 'apt-get install postgresql') or set" \
        "HAIPAY_PG_URL=postgres://user:pass@host:5432/db. The PostgreSQL suites will fail until then."
      return 1
    fi
  fi
  cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1)
  if [ -z "$cluster" ]; then
    ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ "$root" != 1 ] || [ -z "$ver" ]; then
      echo "[bootstrap] PostgreSQL has no cluster and we cannot create one (need root): run" \
        "'pg_createcluster <version> main --start' or set HAIPAY_PG_URL."
      return 1
    fi
    echo "[bootstrap] PostgreSQL: creating cluster $ver/main"
    pg_createcluster "$ver" main >/dev/null 2>&1
    cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1)
  fi
  read -r ver name port status _ <<<"$cluster"
  if [ "${status%%,*}" != online ]; then
    echo "[bootstrap] PostgreSQL: starting cluster $ver/$name on port $port"
    if ! pg_ctlcluster "$ver" "$name" start >/dev/null 2>&1; then
      echo "[bootstrap] PostgreSQL: 'pg_ctlcluster $ver $name start' failed; see /var/log/postgresql/." \
        "The PostgreSQL suites will fail until a server answers."
      return 1
    fi
  fi
  url="postgres://haipay:haipay@127.0.0.1:${port}/haipay_test"
  if ! _pg_reachable "$url"; then
    if [ "$root" != 1 ]; then
      echo "[bootstrap] PostgreSQL runs on port $port but role haipay/database haipay_test are missing;" \
        "create them as the postgres user, or set HAIPAY_PG_URL."
      return 1
    fi
    echo "[bootstrap] PostgreSQL: creating role haipay (password haipay) and database haipay_test"
    local psql_as=(runuser -u postgres -- psql -p "$port" -qtAX -v ON_ERROR_STOP=1)
    if [ "$("${psql_as[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'haipay'")" != 1 ]; then
      "${psql_as[@]}" -c "CREATE ROLE haipay LOGIN PASSWORD 'haipay'" >/dev/null
    else
      "${psql_as[@]}" -c "ALTER ROLE haipay LOGIN PASSWORD 'haipay'" >/dev/null
    fi
    if [ "$("${psql_as[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'haipay_test'")" != 1 ]; then
      "${psql_as[@]}" -c "CREATE DATABASE haipay_test OWNER haipay" >/dev/null
    fi
    if ! _pg_reachable "$url"; then
      echo "[bootstrap] PostgreSQL: still cannot connect as haipay over 127.0.0.1:$port (check pg_hba.conf)."
      return 1
    fi
  fi
  export HAIPAY_PG_URL="$url"
  echo "[bootstrap] PostgreSQL $ver/$name on port $port: HAIPAY_PG_URL=$url"
}
