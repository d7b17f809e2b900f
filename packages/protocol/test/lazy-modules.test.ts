import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// What a process forwarding to a node loads: `nano-access serve` with the node-rpc backend should
// not hold the embedded backend's signature library (noble) nor the whole of undici (its index loads
// fetch, WebSocket, the mock agents …) in memory; docs/performance.md, "Memory". Module loading is
// per process, so a child process loads the built package (dist/, built by `npm test`'s pretest)
// and reports which modules are in its require.cache: with a node-rpc backend, then with the
// embedded backend before and after it creates a key.
const dist = join(__dirname, '..', 'dist', 'index.js');
const ledger = join(__dirname, '..', '..', '..', 'fixtures', 'data', 'ledger.json');

const child = `
const protocol = require(${JSON.stringify(dist)});
const loaded = () => Object.keys(require.cache);
(async () => {
  const forwarding = protocol.createNodeRpcBackend({ url: 'http://127.0.0.1:9' });
  const afterNodeRpc = loaded();
  await forwarding.close();
  const embedded = await protocol.createEmbeddedBackend({ ledgerPath: ${JSON.stringify(ledger)} });
  const beforeKey = loaded();
  await embedded.legacy({ action: 'key_create' });
  const afterKey = loaded();
  await embedded.close();
  process.stdout.write(JSON.stringify({ afterNodeRpc, beforeKey, afterKey }));
})();
`;

interface Loaded {
  afterNodeRpc: string[];
  beforeKey: string[];
  afterKey: string[];
}

function run(): Loaded {
  const result = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Loaded;
}

const noble = (path: string): boolean => /[\\/]@noble[\\/]/.test(path);
const undiciIndex = (path: string): boolean => /[\\/]node_modules[\\/]undici[\\/]index\.js$/.test(path);
const undiciPool = (path: string): boolean => /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]pool\.js$/.test(path);

describe('modules loaded by a process that forwards to a node', () => {
  const loaded = run();

  it('loads undici Pool, not undici index, for the node-rpc backend', () => {
    expect(loaded.afterNodeRpc.some(undiciPool)).toBe(true);
    expect(loaded.afterNodeRpc.filter(undiciIndex)).toEqual([]);
  });

  it('loads noble only once a key is made or a signature checked', () => {
    expect(loaded.afterNodeRpc.filter(noble)).toEqual([]);
    expect(loaded.beforeKey.filter(noble)).toEqual([]);
    // The same check sees noble once it is used: the test can tell.
    expect(loaded.afterKey.some(noble)).toBe(true);
  });
});
