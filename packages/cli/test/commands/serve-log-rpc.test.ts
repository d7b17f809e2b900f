import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { ACCOUNT, serveDataDir, startServe, type ServeChild } from '../helpers/serve-child';

jest.setTimeout(120_000);

const READER = 'reader-6f2e8d4c-1a9b-4c7e-b5d3-0e8f7a6c5b42';
const REQUESTS = 400;

function post(url: string, body: string, key?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'nano-api-key': key }) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('serve with log_rpc (a real child process)', () => {
  it('writes every request line before it exits on SIGTERM sent right after the last answer, naming callers without their ids', async () => {
    const data = serveDataDir();
    let server: ServeChild | undefined;
    try {
      fs.writeFileSync(data.access, `[[user]]\nid = "${READER}"\nallow = "account_query"\n`, { mode: 0o600 });
      fs.writeFileSync(path.join(data.dir, 'config-rpc.toml'), 'port = 0\n\n[logging]\nlog_rpc = true\n');
      server = await startServe(data);
      const url = await server.gatewayUrl();
      const body = JSON.stringify({ action: 'account_balance', account: ACCOUNT });
      for (let sent = 0; sent < REQUESTS; sent += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => post(url, body, (sent + i) % 2 === 0 ? READER : undefined)),
        );
      }
      expect(await server.stop('SIGTERM')).toBe(0);
      const rpc = server.records().filter((record) => record.msg === 'rpc');
      expect(rpc).toHaveLength(REQUESTS);
      // One `name` per line, the logger's: the action is `call` (a repeated key is lost by JSON parsers).
      expect(rpc.every((r) => r.name === 'nano-access' && r.call === 'account_balance')).toBe(true);
      const rpcText = server
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"msg":"rpc"'));
      expect(rpcText.filter((line) => line.split('"name":').length !== 2)).toEqual([]);
      expect(rpc.filter((r) => r.caller === 'user #1 (…5b42)' && r.outcome === 'ok')).toHaveLength(REQUESTS / 2);
      expect(
        rpc.filter((r) => r.caller === 'the default user' && r.outcome === 'denied' && r.reason === 'no grant'),
      ).toHaveLength(REQUESTS / 2);
      expect(server.stderr()).not.toContain(READER);
    } finally {
      // A failed assertion must not leave the server running (jest would wait for it forever).
      if (server !== undefined && server.process.exitCode === null) await server.stop('SIGKILL');
      data.cleanup();
    }
  });
});
