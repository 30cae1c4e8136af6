#!/usr/bin/env bash
# npm run screenshots: a local n8n with this package (as the demo), the editor opened in headless
# Chromium (Debian's package) driven by playwright-core, and PNGs of the demo workflow, each node's
# parameter panel and the node panel's search for "lead" saved into docs/screenshots/.
# Installs what it needs through scripts/toolchain.sh browser: chromium through apt-get (needs
# root), playwright-core into the toolchain cache (not a project dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium and playwright-core, as the end-to-end tests use them
exports="$(bash scripts/deps.sh browser)"
eval "$exports"
export DEMO_USER_FOLDER="$PWD/.screenshots"
rm -rf "$DEMO_USER_FOLDER"
mkdir -p "$DEMO_USER_FOLDER"
bash scripts/install-package.sh "$DEMO_USER_FOLDER" >/dev/null
exec node -r ts-node/register/transpile-only scripts/screenshots.ts
