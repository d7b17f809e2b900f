import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcClient } from '@nano-access/ipc-server';
import { inProcess, waitFor } from '../helpers/in-process';

const REPO = path.join(__dirname, '..', '..', '..', '..');
const LEDGER = path.join(REPO, 'fixtures', 'data', 'ledger.json');
const USER = 'user-7d2e9c4a-1b3f-4e6d-8a5c-0f1e2d3c4b5a';
const ACCESS = `[[user]]\nid = ""\n\n[[user]]\nid = "${USER}"\nallow = "account_query"\n`;
/** One token in 1000 s: nothing refills while the test runs. */
const RATE_LIMIT = `
[rate_limit]
enable = true
[rate_limit.default]
rate = 0.001
burst = 2
[[rate_limit.tier]]
permission = "account_query"
rate = 0.001
burst = 3
`;

function dataDir(rpcToml: string): { dir: string; socket: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'na-serve-rate-'));
  const socket = path.join(dir, 'ipc.sock');
  fs.copyFileSync(LEDGER, path.join(dir, 'ledger.json'));
  fs.writeFileSync(path.join(dir, 'config-node.toml'), `[node.ipc.local]\nenable = true\npath = "${socket}"\n`);
  fs.writeFileSync(path.join(dir, 'config-rpc.toml'), rpcToml);
  fs.writeFileSync(path.join(dir, 'config-access.toml'), ACCESS, { mode: 0o600 });
  return { dir, socket, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('nano-access serve with [rate_limit]', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('limits IPC v2 sessions and the gateway with one limiter: a user’s requests over both add up', async () => {
    const data = dataDir(`port = 0\n${RATE_LIMIT}`);
    cleanups.push(data.cleanup);
    const run = inProcess(['serve', '--data', data.dir]);
    await waitFor(() => /gateway listening on (\S+)/.test(run.out()), 'the gateway line');
    const url = /gateway listening on (\S+)/.exec(run.out())![1];
    const client = new IpcClient({ path: data.socket, env: {} });
    try {
      const isAlive = { message_type: 'IsAlive', message: {}, credentials: USER };
      expect((await client.call(isAlive)).message_type).toBe('IsAlive');
      expect((await client.call(isAlive)).message_type).toBe('IsAlive');
      const post = (): Promise<Response> =>
        fetch(`${url}/api/v2/IsAlive`, { method: 'POST', headers: { 'nano-api-key': USER }, body: '{}' });
      expect((await post()).status).toBe(200); // the tier's third token
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await client.call(isAlive)).message).toMatchObject({ code: 429 });
      // Legacy over IPC (encoding 1) is trusted by transport: never limited.
      const legacy = JSON.parse((await client.request(1, Buffer.from('{"action":"block_count"}'))).toString()) as {
        count?: string;
      };
      expect(legacy.count).toMatch(/^\d+$/);
    } finally {
      await client.close();
      run.stop();
    }
    expect(await run.exit).toBe(0);
  });

  it('refuses to start when a tier names a role or an unknown permission: file:line:col, exit 2', async () => {
    const data = dataDir(`port = 0\n${RATE_LIMIT.replace('permission = "account_query"', 'permission = "readers"')}`);
    cleanups.push(data.cleanup);
    const run = inProcess(['serve', '--data', data.dir]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain(`${path.join(data.dir, 'config-rpc.toml')}:9:14: error:`);
    expect(run.err()).toContain('NA_GATEWAY_CONFIG_INVALID');
    expect(fs.existsSync(data.socket)).toBe(false);
  });
});
