#!/usr/bin/env bash
# Packs the package as built at an earlier commit, for the upgrade test (test/e2e/install.e2e.test.ts
# installs it through n8n's Community Nodes panel, lets it remember leads, a model, stages and SLA
# clocks, then updates to the current build):
#   scripts/pack-release.sh <git ref> <version>
# writes test/fixtures/releases/<name>-<version>.tgz in place of the one there. The ref is built
# with this checkout's node_modules (its lockfile must match) and packed with this checkout's file
# list (no screenshots, no compiler state).
set -euo pipefail
cd "$(dirname "$0")/.."
ref="$1"
version="$2"
root="$PWD"
tree="$(mktemp -d)/tree"
git worktree add --detach -f "$tree" "$ref" >/dev/null
trap 'git -C "$root" worktree remove --force "$tree"' EXIT
if ! git diff --quiet "$ref" HEAD -- package-lock.json; then
	echo "package-lock.json differs between $ref and HEAD: install that tree's own dependencies first" >&2
	exit 1
fi
ln -s "$root/node_modules" "$tree/node_modules"
(cd "$tree" && npx n8n-node build >/dev/null)
node -e '
const fs = require("fs");
const [file, files, version] = process.argv.slice(1);
const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
fs.writeFileSync(file, JSON.stringify({ ...pkg, version, files: JSON.parse(files) }, null, "\t") + "\n");' \
	"$tree/package.json" "$(node -p 'JSON.stringify(require("./package.json").files)')" "$version"
rm -f test/fixtures/releases/*.tgz
mkdir -p test/fixtures/releases
(cd "$tree" && npm pack --pack-destination "$root/test/fixtures/releases" >/dev/null 2>&1)
ls test/fixtures/releases/*.tgz
