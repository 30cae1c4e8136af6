#!/usr/bin/env bash
# End-to-end tests: build, `npm pack`, install the tarball into a fresh n8n user folder the way
# n8n installs community packages, then run the e2e jest project against a real n8n 2.x on Node 24
# (installed once into the cache by scripts/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/toolchain.sh n8n)"
work="$PWD/.e2e"
rm -rf "$work"
mkdir -p "$work/pack" "$work/user"
npx n8n-node build >/dev/null
npm pack --pack-destination "$work/pack" >/dev/null 2>&1
bash scripts/install-package.sh "$work/pack"/n8n-nodes-lead-management-*.tgz "$work/user" >/dev/null
export E2E_N8N_USER_FOLDER="$work/user"
status=0
npx jest --selectProjects e2e "$@" || status=$?
if [ "$status" -ne 0 ] && [ -f "$work/user/n8n.log" ]; then
	echo "---- last lines of the n8n log ($work/user/n8n.log) ----"
	tail -40 "$work/user/n8n.log"
fi
exit "$status"
