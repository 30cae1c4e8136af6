#!/usr/bin/env bash
# Installs the project's dependencies with Node 24 when package-lock.json changed since the last
# install (or node_modules is missing). Prints the toolchain exports like toolchain.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exports="$(bash scripts/toolchain.sh "${1:-node}")"
eval "$exports"
stamp=node_modules/.lock-stamp
want="$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	# npm install, not npm ci: the registry here lacks some other-platform optional bindings
	# (@unrs/resolver-binding-*), which npm ci refuses as "missing from lock file".
	echo "[deps] npm install with Node $(node -v)" >&2
	npm install --no-audit --no-fund >&2
	echo "$want" > "$stamp"
fi
echo "$exports"
