#!/usr/bin/env bash
# Installs the project's dependencies with Node 24 when package-lock.json changed since the last
# install (or node_modules is missing). Prints the toolchain exports like toolchain.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exports="$(bash scripts/toolchain.sh "${1:-node}")"
eval "$exports"
# One npm ci at a time in this clone (npm run demo and npm test started together).
exec 8>"$PWD/.deps.lock"
flock 8
stamp=node_modules/.lock-stamp
want="$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	# The clean install from the lock file, as any CI does.
	echo "[deps] npm ci with Node $(node -v)" >&2
	npm ci --no-audit --no-fund >&2
	echo "$want" > "$stamp"
fi
echo "$exports"
