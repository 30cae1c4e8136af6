#!/usr/bin/env bash
# One command on a fresh machine: Node 24 and n8n from the npm registry (cached), this package built,
# packed and installed as a community package into .demo/, a sample capture workflow published,
# and n8n left running on 127.0.0.1 (DEMO_PORT, default 5678).
set -euo pipefail
cd "$(dirname "$0")/.."
exports="$(bash scripts/deps.sh n8n)"
eval "$exports"
export DEMO_USER_FOLDER="$PWD/.demo"
rm -rf "$DEMO_USER_FOLDER"
mkdir -p "$DEMO_USER_FOLDER"
bash scripts/install-package.sh "$DEMO_USER_FOLDER" >/dev/null
exec node -r ts-node/register/transpile-only scripts/demo.ts
