#!/usr/bin/env bash
# End-to-end tests: build, `npm pack`, install the tarball into a fresh n8n user folder the way
# n8n installs community packages, then run the e2e jest project against a real n8n 2.x on Node 24
# (installed once into the cache by scripts/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
exports="$(bash scripts/deps.sh all)"
eval "$exports"
work="$PWD/.e2e"
rm -rf "$work"
mkdir -p "$work/user"
bash scripts/install-package.sh "$work/user" >/dev/null
export E2E_N8N_USER_FOLDER="$work/user"
status=0
npx jest --selectProjects e2e "$@" || status=$?
if [ "$status" -ne 0 ]; then
	echo "---- last lines of the n8n log ($work/user/n8n.log) ----"
	for log in "$work"/user/instance-*/n8n.log; do echo "== $log"; tail -30 "$log"; done
fi
exit "$status"
