#!/usr/bin/env bash
# Every generator of the repository, in dependency order (the catalog before the page made from it).
#   bash scripts/gen.sh          # regenerate in place (npm run gen)
#   bash scripts/gen.sh --check  # regenerate into memory or a temporary directory; exit 1 if a committed file is stale (npm run gen:check)
set -euo pipefail
cd "$(dirname "$0")/.."
check=${1:-}
status=0

npx tsx scripts/gen-catalog.ts $check || status=1
npx tsx scripts/gen-catalog-doc.ts $check || status=1
npx tsx scripts/gen-validators.ts $check || status=1

# flatc comes from Debian's flatbuffers-compiler; without it the committed code stands unchecked.
if command -v flatc >/dev/null 2>&1; then
  if [ "$check" = "--check" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    sh packages/protocol/scripts/gen-flatbuffers.sh "$tmp"
    if ! diff -r "$tmp" packages/protocol/src/flatbuffers/generated >/dev/null; then
      echo "stale generated files (run npm run gen): packages/protocol/src/flatbuffers/generated/" >&2
      status=1
    fi
  else
    sh packages/protocol/scripts/gen-flatbuffers.sh
  fi
else
  echo "gen: flatc not found (apt-get install flatbuffers-compiler); flatbuffers code not regenerated"
fi
exit "$status"
