#!/usr/bin/env bash
# The nine @nano-access/* packages as a user gets them: packed with `npm pack`, installed
# from their tarballs into an empty directory with no workspace around it (third-party
# dependencies from the registry), then used there:
#   - the tarballs hold README, LICENSE, dist with types, and no tests or build state;
#   - nothing of the build toolchain (typescript, tsx, ts-jest, jest) is installed to run;
#   - `npx nano-access --version`, `lint` on a good and a bad file, `serve --data DIR`
#     (answers /healthz and a request, stops on SIGTERM with exit 0);
#   - `require` and `import` of @nano-access/resolver from a CommonJS and an ESM consumer;
#   - the types, checked by tsc in a CommonJS and an ESM consumer (typescript is installed
#     for this step only, after the run-time checks);
#   - the repository as a pre-commit hook source: the root packed and installed into a prefix of
#     its own as pre-commit installs it, and `pre-commit try-repo` where pre-commit is installed.
# Not part of the unit suite (it needs the registry and takes a minute); .ci/run calls it.
#
#   bash scripts/check-install.sh            # builds first; prints one line per check
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/nano-access-install.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -KILL -- "-$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ok() { echo "check-install: ok   $*"; }
fail() { echo "check-install: FAIL $*" >&2; exit 1; }

cd "$repo"
npm run build --silent >/dev/null
cli_version="$(node -p 'require("./packages/cli/package.json").version')"

# 1. Pack. -----------------------------------------------------------------------------
mkdir -p "$work/tarballs"
npm pack --workspaces --pack-destination "$work/tarballs" --silent >/dev/null
count=$(find "$work/tarballs" -name '*.tgz' | wc -l)
[ "$count" = 9 ] || fail "expected 9 tarballs, got $count"
for tarball in "$work"/tarballs/*.tgz; do
  listing="$(tar tzf "$tarball")"
  for required in package/package.json package/README.md package/LICENSE package/dist/index.js package/dist/index.d.ts; do
    grep -qx "$required" <<<"$listing" || fail "$(basename "$tarball") lacks $required"
  done
  if grep -qE '^package/(test|bench)/|\.tsbuildinfo$|\.test\.' <<<"$listing"; then fail "$(basename "$tarball") ships tests or build state"; fi
  tar xzf "$tarball" -C "$work" package/package.json --transform "s|^package/package.json|manifest.json|"
  node - "$work/manifest.json" <<'NODE' || fail "$(basename "$tarball"): manifest"
const m = require(process.argv[2]);
const problems = [];
if (m.private) problems.push('private: true');
for (const key of ['license', 'repository', 'engines', 'files', 'exports', 'types']) if (!m[key]) problems.push(`no ${key}`);
if (m.exports && (!m.exports['.'] || !m.exports['.'].types || !m.exports['.'].default)) problems.push('exports "." needs types and default');
for (const dep of Object.keys(m.dependencies ?? {})) if (/^(typescript|tsx|ts-jest|jest|@types\/)/.test(dep)) problems.push(`run-time dependency on ${dep}`);
if (problems.length) { console.error(`${m.name}: ${problems.join('; ')}`); process.exit(1); }
NODE
done
ok "npm pack: 9 tarballs with README, LICENSE, dist and types; no tests; manifests publishable"

# 2. Install into an empty directory (no workspace). ------------------------------------
app="$work/app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "consumer", "version": "1.0.0", "private": true }\n' >package.json
npm install --no-audit --no-fund --omit=dev "$work"/tarballs/*.tgz >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "npm install of the tarballs"; }
for tool in typescript tsx ts-jest jest; do
  [ ! -e "node_modules/$tool" ] || fail "installing the packages pulled in $tool"
done
ok "npm install of the 9 tarballs into an empty directory; no typescript, tsx, ts-jest or jest installed"

# 3. The command. ------------------------------------------------------------------------
version="$(npx --no-install nano-access --version)"
[ "$version" = "$cli_version" ] || fail "npx nano-access --version printed '$version', expected $cli_version"
ok "npx nano-access --version: $version"

cat >good.toml <<'TOML'
[[role]]
id = "reader"
allow = "wallet_read"

[[user]]
id = "9f86d081884c7d659a2feaa0c55ad015"
roles = "reader"
TOML
chmod 600 good.toml
npx --no-install nano-access lint good.toml >"$work/lint-good.out" 2>&1 || { cat "$work/lint-good.out" >&2; fail "lint of a good file"; }
printf '[[user]]\nid = "9f86d081884c7d659a2feaa0c55ad015"\nallow = "walet_read"\n' >bad.toml
chmod 600 bad.toml
set +e
npx --no-install nano-access lint --format compact bad.toml >"$work/lint-bad.out" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$work/lint-bad.out" >&2; fail "lint of a bad file exited $status, expected 1"; }
grep -q 'bad.toml:3:' "$work/lint-bad.out" && grep -q 'unknown-permission' "$work/lint-bad.out" \
  || { cat "$work/lint-bad.out" >&2; fail "lint of a bad file: expected bad.toml:3:… unknown-permission"; }
ok "npx nano-access lint: good file exit 0; bad file exit 1 with bad.toml:3:col unknown-permission"

# 4. The engine from CommonJS and ESM. ----------------------------------------------------
cat >consumer.cjs <<'JS'
const { loadPolicy } = require('@nano-access/resolver');
const { readFileSync } = require('node:fs');
const { policy } = loadPolicy(readFileSync('good.toml', 'utf8'), { file: 'good.toml' });
if (policy.check('9f86d081884c7d659a2feaa0c55ad015', 'wallet_read') !== true) process.exit(1);
if (policy.check('9f86d081884c7d659a2feaa0c55ad015', 'wallet_write') !== false) process.exit(1);
console.log('cjs ok');
JS
cat >consumer.mjs <<'JS'
import { loadPolicy, nanoCatalog } from '@nano-access/resolver';
import resolver from '@nano-access/resolver';
import { readFileSync } from 'node:fs';
const { policy } = loadPolicy(readFileSync('good.toml', 'utf8'), { file: 'good.toml' });
if (policy.check('9f86d081884c7d659a2feaa0c55ad015', 'wallet_read') !== true) process.exit(1);
if (policy.check(undefined, 'wallet_read') !== false) process.exit(1);
if (resolver.loadPolicy !== loadPolicy || nanoCatalog.name !== 'nano') process.exit(1);
console.log('esm ok');
JS
[ "$(node consumer.cjs)" = "cjs ok" ] || fail "require('@nano-access/resolver') from CommonJS"
[ "$(node consumer.mjs)" = "esm ok" ] || fail "import from '@nano-access/resolver' in ESM"
ok "@nano-access/resolver: require() from CommonJS and import (named and default) from ESM"

# 5. serve. ---------------------------------------------------------------------------------
data="$app/data"
mkdir -p "$data"
chmod 700 "$data"
cp good.toml "$data/config-access.toml"
cp "$repo/fixtures/data/ledger.json" "$data/ledger.json"
cat >"$data/config-node.toml" <<'TOML'
[node.ipc.tcp]
enable = true
address = "127.0.0.1"
port = 0
TOML
printf 'address = "127.0.0.1"\nport = 0\n' >"$data/config-rpc.toml"
# In its own process group, signalled as a terminal's Ctrl-C or systemd's control group is:
# npm exec runs the bin under `sh -c`, which does not pass a SIGTERM sent to npm alone on.
setsid npx --no-install nano-access serve --data "$data" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
url=""
for _ in $(seq 1 150); do
  url="$(sed -n 's/^gateway listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$url" ] || { cat "$work/serve.out" "$work/serve.err" >&2; fail "npx nano-access serve did not start"; }
health="$(node -e 'fetch(process.argv[1] + "/healthz").then(async (r) => console.log(r.status, await r.text()))' "$url")"
grep -q '^200 .*"status":"ok"' <<<"$health" || fail "serve: /healthz answered $health"
answer="$(node -e '
  fetch(process.argv[1] + "/", { method: "POST", headers: { "content-type": "application/json", "nano-api-key": "9f86d081884c7d659a2feaa0c55ad015" }, body: JSON.stringify({ action: "block_count" }) })
    .then(async (r) => console.log(r.status, await r.text()))' "$url")"
grep -q '^200 {"error":"Access denied"}' <<<"$answer" || fail "serve: a denied action answered $answer"
kill -TERM -- "-$server_pid"
set +e
wait "$server_pid"
status=$?
set -e
server_pid=""
# npm itself, signalled too, exits 128+15 once its child is done; the server says it stopped cleanly.
{ [ "$status" = 0 ] || [ "$status" = 143 ]; } && grep -q '^stopped$' "$work/serve.out" \
  || { cat "$work/serve.out" "$work/serve.err" >&2; fail "serve: SIGTERM gave exit $status"; }
ok "npx nano-access serve --data DIR: $url answers /healthz and decides a request; SIGTERM stops it cleanly"

# 6. Types, for TypeScript consumers (typescript from the registry, for this step only). ---------
npm install --no-audit --no-fund --no-save typescript@~6.0.3 @types/node@20 >"$work/install-ts.log" 2>&1 || { cat "$work/install-ts.log" >&2; fail "npm install typescript"; }
cat >types-cjs.cts <<'TS'
import resolver = require('@nano-access/resolver');
const { policy } = resolver.loadPolicy('', { file: 'x.toml' });
const allowed: boolean = policy!.check('k', 'wallet_read');
// @ts-expect-error: check() takes a permission name, not a number
policy!.check('k', 42);
export { allowed };
TS
cat >types-esm.mts <<'TS'
import { loadPolicy, type Policy, type NanoPermission } from '@nano-access/resolver';
const { policy } = loadPolicy('', { file: 'x.toml' });
const permission: NanoPermission = 'wallet_read';
const active: Policy | null = policy;
// @ts-expect-error: not a permission of the Nano catalog
const typo: NanoPermission = 'walet_read';
export { permission, active, typo };
TS
cat >tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "strict": true, "noEmit": true, "types": ["node"] },
  "files": ["types-cjs.cts", "types-esm.mts"] }
JSON
npx --no-install tsc -p . >"$work/tsc.out" 2>&1 || { cat "$work/tsc.out" >&2; fail "tsc on the CommonJS and ESM consumers"; }
ok "types: tsc (module nodenext, strict) accepts a CommonJS and an ESM consumer and rejects a wrong call"

# 7. The repository as a pre-commit hook source, installed the way pre-commit's `language: node`
#    installs it: pack the root (its `prepare` builds; the packages come bundled), install the
#    tarball into a prefix of its own, run the hook's entry on a good and a bad file.
cd "$repo"
mkdir -p "$work/root-pack"
root_tarball="$(npm pack --pack-destination "$work/root-pack" 2>/dev/null | tail -n 1)"
[ -f "$work/root-pack/$root_tarball" ] || fail "npm pack of the repository root printed '$root_tarball', not a tarball name"
npm install --global --prefix "$work/hook-env" --no-audit --no-fund "$work/root-pack/$root_tarball" >"$work/hook-install.log" 2>&1 \
  || { cat "$work/hook-install.log" >&2; fail "npm install -g of the root tarball"; }
entry="$(node -e '
  const text = require("fs").readFileSync(".pre-commit-hooks.yaml", "utf8");
  const m = /^\s+entry:\s*(.+)$/m.exec(text); process.stdout.write(m ? m[1].trim() : "");')"
[ -n "$entry" ] || fail ".pre-commit-hooks.yaml has no entry"
cd "$app"
PATH="$work/hook-env/bin:$PATH" $entry good.toml >"$work/hook-good.out" 2>&1 || { cat "$work/hook-good.out" >&2; fail "hook entry '$entry' on a good file"; }
set +e
PATH="$work/hook-env/bin:$PATH" $entry bad.toml >"$work/hook-bad.out" 2>&1
status=$?
set -e
[ "$status" = 1 ] && grep -q '^bad.toml:3:[0-9]*: error: .*\[unknown-permission\]' "$work/hook-bad.out" \
  || { cat "$work/hook-bad.out" >&2; fail "hook entry '$entry' on a bad file exited $status"; }
ok "pre-commit hook, installed as pre-commit does (root tarball into its own prefix): '$entry' passes a good file, fails a bad one"

# 8. pre-commit itself, where it is installed: try-repo on this checkout.
if command -v pre-commit >/dev/null 2>&1; then
  project="$work/hook-project"
  mkdir -p "$project"
  cd "$project"
  git init -q
  cp "$app/good.toml" config-access.toml
  cp "$app/bad.toml" config-access.staging.toml
  PRE_COMMIT_HOME="$work/pre-commit-home" pre-commit try-repo "$repo" nano-access-lint --files config-access.toml >"$work/try-good.out" 2>&1 \
    || { cat "$work/try-good.out" >&2; fail "pre-commit try-repo on a good file"; }
  set +e
  PRE_COMMIT_HOME="$work/pre-commit-home" pre-commit try-repo "$repo" nano-access-lint --files config-access.toml config-access.staging.toml >"$work/try-bad.out" 2>&1
  status=$?
  set -e
  [ "$status" = 1 ] && grep -q 'config-access.staging.toml:3:[0-9]*: error: .*unknown-permission' "$work/try-bad.out" \
    || { cat "$work/try-bad.out" >&2; fail "pre-commit try-repo on a bad file exited $status"; }
  ok "pre-commit try-repo: the hook passes a good file and fails a bad one"
else
  echo "check-install: skip pre-commit try-repo: pre-commit is not installed (apt-get install -y pre-commit)"
fi

echo "check-install: all checks passed"
