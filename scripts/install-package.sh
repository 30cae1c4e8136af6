#!/usr/bin/env bash
# Builds this package, packs it with `npm pack`, and installs the tarball into an n8n user folder
# the way n8n installs a community package: unpack into <user folder>/.n8n/nodes/node_modules/<name>,
# drop devDependencies, peerDependencies and optionalDependencies, then `npm install --ignore-scripts`.
#   scripts/install-package.sh <n8n user folder>
set -euo pipefail
cd "$(dirname "$0")/.."
user_folder="$1"
pack_dir="$(mktemp -d)"
npx n8n-node build >/dev/null
npm pack --pack-destination "$pack_dir" >/dev/null 2>&1
tarball="$(ls "$pack_dir"/*.tgz)"
nodes_dir="$user_folder/.n8n/nodes"
name="$(tar -xOzf "$tarball" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).name))')"
target="$nodes_dir/node_modules/$name"
mkdir -p "$nodes_dir/node_modules"
[ -f "$nodes_dir/package.json" ] || echo '{"name":"installed-nodes","private":true}' > "$nodes_dir/package.json"
rm -rf "$target"
mkdir -p "$target"
tar -xzf "$tarball" -C "$target" --strip-components=1
node -e '
const fs = require("fs"); const p = process.argv[1];
const pkg = JSON.parse(fs.readFileSync(p, "utf8"));
delete pkg.devDependencies; delete pkg.peerDependencies; delete pkg.optionalDependencies;
fs.writeFileSync(p, JSON.stringify(pkg, null, 2));' "$target/package.json"
(cd "$target" && npm install --ignore-scripts --no-audit --no-fund --no-package-lock >/dev/null 2>&1)
cp "$tarball" "$user_folder/package.tgz" # for the community-package install test
rm -rf "$pack_dir"
echo "$target"
