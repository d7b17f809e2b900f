import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { postJson } from './helpers/http-client';
import { ledgerAccount, ledgerRepresentative, startInProcess, type RunningGateway } from './helpers/in-process';

const rep = ledgerRepresentative();
const account = ledgerAccount();

/** A pino logger keeping its JSON lines as text. */
function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const rpcLines = (lines: readonly string[]): Array<Record<string, unknown>> =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'rpc');

const READER = 'reader-5e1c9a7b-2d4f-4a8e-b3c6-0f9d8e7a6b51';
const WRITER = 'writer-8b3d2f1e-6a9c-4e7b-a5d0-1c2e3f4a5b69';
const OPERATOR = 'operator-0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c63';

const ACCESS = `
[[user]]
id = ""
allow = "api_account_weight"

[[user]]
id = "${READER}"
allow = "account_query"
deny = "api_account_balance"

[[user]]
id = "${WRITER}"
allow = "wallet"
bare = true

[[user]]
id = "${OPERATOR}"
allow = "node_control, node_query"
`;

describe('log_rpc: who was refused, and why', () => {
  let gw: RunningGateway;
  const log = capture();
  beforeAll(async () => {
    gw = await startInProcess({
      accessText: ACCESS,
      config: { logging: { logRpc: true }, keyInPath: true },
      logger: log.logger,
    });
  });
  afterAll(() => gw.close());

  it('names the user, the deciding permission and the reason of a denial in every line, never the id', async () => {
    log.lines.length = 0;
    const key = (id: string): Record<string, string> => ({ 'Nano-Api-Key': id });
    await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account }, key(READER));
    await postJson(gw.url, '/', { action: 'account_balance', account: account.account }, key(READER));
    await postJson(gw.url, '/', { action: 'peers' }, key(WRITER));
    await postJson(gw.url, '/api/v2/AccountWeight', { account: rep.account });
    await postJson(gw.url, '/api/v2', {
      credentials: 'not-a-key-of-this-file-at-all',
      message_type: 'AccountWeight',
      message: { account: rep.account },
    });
    await postJson(gw.url, '/', { action: 'stop' }, key(OPERATOR));
    await postJson(gw.url, `/key/${WRITER}`, { action: 'block_count' }, key(READER));
    await postJson(gw.url, '/api/v2/IsAlive', {}, key(WRITER));
    const lines = rpcLines(log.lines).map(({ api, call, outcome, caller, permission, reason, deny }) => ({
      api,
      call,
      outcome,
      caller,
      permission,
      reason,
      deny,
    }));
    expect(lines).toEqual([
      {
        api: 'v2',
        call: 'AccountWeight',
        outcome: 'ok',
        caller: 'user #2 (…6b51)',
        permission: 'api_account_weight',
        reason: undefined,
        deny: undefined,
      },
      {
        api: 'legacy',
        call: 'account_balance',
        outcome: 'denied',
        caller: 'user #2 (…6b51)',
        permission: 'api_account_balance',
        reason: "denied by the user's deny",
        deny: 'api_account_balance',
      },
      {
        api: 'legacy',
        call: 'peers',
        outcome: 'denied',
        caller: 'user #3 (…5b69)',
        permission: 'api_peers',
        reason: 'no grant',
        deny: undefined,
      },
      {
        api: 'v2',
        call: 'AccountWeight',
        outcome: 'ok',
        caller: 'the default user',
        permission: 'api_account_weight',
        reason: undefined,
        deny: undefined,
      },
      {
        api: 'v2',
        call: 'AccountWeight',
        outcome: 'denied',
        caller: 'unknown credentials (…-all)',
        permission: 'api_account_weight',
        reason: 'unknown credentials',
        deny: undefined,
      },
      {
        api: 'legacy',
        call: 'stop',
        outcome: 'unsafe',
        caller: 'user #4 (…7c63)',
        permission: 'api_stop',
        reason: 'control not enabled on this transport',
        deny: undefined,
      },
      {
        api: 'legacy',
        call: 'block_count',
        outcome: 'denied',
        caller: 'conflicting credentials',
        permission: undefined,
        reason: 'conflicting credentials',
        deny: undefined,
      },
      {
        api: 'v2',
        call: 'IsAlive',
        outcome: 'ok',
        caller: 'user #3 (…5b69)',
        permission: undefined,
        reason: undefined,
        deny: undefined,
      },
    ]);
    // The fields in their documented order, each of its documented type.
    const denied = rpcLines(log.lines)[1];
    expect(Object.keys(denied)).toEqual([
      ...['level', 'time', 'pid', 'hostname'],
      ...['api', 'call', 'outcome', 'status', 'ms', 'remote', 'caller', 'permission', 'reason', 'deny', 'msg'],
    ]);
    expect(denied).toMatchObject({ status: 200, ms: expect.any(Number), remote: '127.0.0.1', msg: 'rpc' });
    const text = log.lines.join('\n');
    for (const id of [READER, WRITER, OPERATOR]) expect(text).not.toContain(id);
  });

  it('never writes a configured id, whatever the ids and the requests (property)', async () => {
    const id = fc.string({ unit: fc.constantFrom(...'abcdef0123456789-'), minLength: 16, maxLength: 48 });
    const request = fc.record({
      route: fc.constantFrom('legacy', 'v2-bare', 'v2-envelope', 'key-path'),
      who: fc.oneof(fc.nat(3), fc.constant(-1)), // a configured user, or none
      stranger: fc.boolean(),
      action: fc.constantFrom('account_balance', 'block_count', 'peers', 'stop', 'no_such_action'),
      message: fc.constantFrom('AccountWeight', 'IsAlive', 'AccessReload', 'NoSuchMessage'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(id, { minLength: 4, maxLength: 4 }),
        fc.array(request, { maxLength: 8 }),
        async (ids, requests) => {
          const store = gw.store;
          const text = ids
            .map(
              (user, i) =>
                `[[user]]\nid = "${user}"\nallow = "${['account_query', 'wallet', 'node_query', 'unrestricted'][i]}"\n`,
            )
            .join('\n');
          expect(store.applyText(text).outcome).not.toBe('rejected');
          log.lines.length = 0;
          for (const r of requests) {
            const credentials = r.stranger ? `${ids[0]}x` : r.who >= 0 ? ids[r.who] : undefined;
            const headers: Record<string, string> = credentials === undefined ? {} : { 'Nano-Api-Key': credentials };
            const legacy = { action: r.action, account: account.account };
            if (r.route === 'legacy') await postJson(gw.url, '/', legacy, headers);
            else if (r.route === 'key-path') await postJson(gw.url, `/key/${ids[Math.max(r.who, 0)]}`, legacy, headers);
            else if (r.route === 'v2-bare')
              await postJson(gw.url, `/api/v2/${r.message}`, { account: rep.account }, headers);
            else
              await postJson(gw.url, '/api/v2', {
                ...(credentials === undefined ? {} : { credentials }),
                message_type: r.message,
                message: r.message === 'AccountWeight' ? { account: rep.account } : {},
              });
          }
          expect(rpcLines(log.lines)).toHaveLength(requests.length);
          const all = log.lines.join('\n');
          for (const user of ids) expect(all).not.toContain(user);
        },
      ),
      { numRuns: 25 },
    );
  });
});
