#!/usr/bin/env bash
# One command on a fresh machine: Node 24 and n8n from the npm registry (cached), this package built,
# packed and installed as a community package into .demo/, a sample capture workflow published,
# and n8n left running on 127.0.0.1 (DEMO_PORT, default 5678).
#   npm run demo              keeps .demo/ (your imported templates, credentials, executions) and
#                             installs the current build of the package into it
#   npm run demo -- --fresh   starts over with an empty .demo/
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=0
for arg in "$@"; do
	case "$arg" in
	--fresh) fresh=1 ;;
	*) echo "usage: npm run demo [-- --fresh]" >&2; exit 2 ;;
	esac
done
export DEMO_USER_FOLDER="$PWD/.demo"
port="${DEMO_PORT:-5678}"
if [ "$fresh" = 1 ]; then rm -rf "$DEMO_USER_FOLDER"; fi
mkdir -p "$DEMO_USER_FOLDER"
setup_log="$DEMO_USER_FOLDER/setup.log"
echo "n8n with the lead-management nodes will be at http://127.0.0.1:$port"
echo "  sign in as owner@example.com / Passw0rdE2E"
echo "Setting up (the first time downloads Node 24 and n8n: about 5 minutes; log: $setup_log) ..."
if ! exports="$(bash scripts/deps.sh n8n 2>"$setup_log")"; then
	echo "Setup failed; the last lines of $setup_log:" >&2
	tail -20 "$setup_log" >&2
	exit 1
fi
eval "$exports"
if ! bash scripts/install-package.sh "$DEMO_USER_FOLDER" >>"$setup_log" 2>&1; then
	echo "Building or installing the package failed; the last lines of $setup_log:" >&2
	tail -20 "$setup_log" >&2
	exit 1
fi
exec node -r ts-node/register/transpile-only scripts/demo.ts
