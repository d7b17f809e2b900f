#!/usr/bin/env bash
# The short soak run (issue 8), about a minute: `nano-access serve` as a child
# process under steady load, with reloads, an upstream outage, slow clients, a
# connection flood, fuzzed input and a credential grep of its logs. Exits
# non-zero when a "must" fails. `.ci/run` calls it after the tests pass; the
# full run is `npm run soak` (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# .ci/run has built everything; build when run alone on a fresh checkout.
if [ ! -f packages/cli/dist/cli.js ] || [ ! -f packages/ipc-server/dist/index.js ]; then
  npx tsc -b
fi

echo "soak: short run (npx tsx bench/soak/run.ts --short)"
exec timeout --signal=TERM --kill-after=15 240 npx tsx bench/soak/run.ts --short "$@"
