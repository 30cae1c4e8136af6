#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: Node 24 and n8n from the npm registry (cached),
# redis-server from Debian's packages, dependencies, lint, type check, then unit, node (n8n-core engine) and end-to-end (real n8n) tests.
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
exports="$(bash scripts/deps.sh all)"
eval "$exports"
echo "== Node $(node -v), n8n $(node -p "require('$LEAD_N8N_DIR/node_modules/n8n/package.json').version")"

echo "== lint"
npx n8n-node lint
npm run --silent lint:workflows
echo "== type check"
npx tsc --noEmit -p tsconfig.test.json

echo "== build, pack and install into a fresh n8n user folder"
work="$PWD/.e2e"
rm -rf "$work"
mkdir -p "$work/user"
bash scripts/install-package.sh "$work/user" >/dev/null
export E2E_N8N_USER_FOLDER="$work/user"

echo "== tests: unit, nodes, e2e"
status=0
# Two test files at a time: the end-to-end files mostly wait on n8n, timers and restarts, and one
# at a time they took most of the 20-minute budget on a 2-core machine.
npx jest --maxWorkers=2 --json --outputFile="$work/results.json" "$@" || status=$?
if [ "$status" -ne 0 ]; then
	echo "---- last lines of the n8n log ----"
	for log in "$work"/user/instance-*/n8n.log; do echo "== $log"; tail -30 "$log"; done
fi
node -e '
const r = require(process.argv[1]);
const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
console.log(`tests: ${r.numPassedTests} passed, ${failed} failed`);' "$work/results.json" || { echo "tests: 0 passed, 1 failed"; exit 1; }
exit "$status"
