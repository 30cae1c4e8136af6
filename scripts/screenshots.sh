#!/usr/bin/env bash
# npm run screenshots: a local n8n with this package (as the demo), the editor opened in headless
# Chromium (Debian's package) driven by playwright-core, and PNGs of the demo workflow, each node's
# parameter panel and the node panel's search for "lead" saved into docs/screenshots/.
# Installs what it needs: chromium through apt-get (needs root or sudo), playwright-core into the
# toolchain cache (not a project dependency: only this script uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
	echo "[screenshots] installing Debian's chromium" >&2
	sudo_cmd=""
	[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
	DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q chromium >&2
fi
exports="$(bash scripts/deps.sh n8n)"
eval "$exports"
cache="${LEAD_TOOLCHAIN_CACHE:-$HOME/.cache/n8n-nodes-lead-management}/playwright-core-1.64.1"
if [ ! -f "$cache/node_modules/playwright-core/package.json" ]; then
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-save --no-audit --no-fund playwright-core@1.64.1 >&2
fi
export PLAYWRIGHT_CORE="$cache/node_modules/playwright-core"
export DEMO_USER_FOLDER="$PWD/.screenshots"
rm -rf "$DEMO_USER_FOLDER"
mkdir -p "$DEMO_USER_FOLDER"
bash scripts/install-package.sh "$DEMO_USER_FOLDER" >/dev/null
exec node -r ts-node/register/transpile-only scripts/screenshots.ts
