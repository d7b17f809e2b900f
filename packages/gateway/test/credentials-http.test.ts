import { Writable } from 'node:stream';
import pino from 'pino';
import { call, postJson } from './helpers/http-client';
import { USERS } from './helpers/fixtures';
import { ledgerAccount, ledgerRepresentative, startInProcess, type RunningGateway } from './helpers/in-process';

const account = ledgerAccount();
const rep = ledgerRepresentative();
const basic = (user: string, id: string): string => `Basic ${Buffer.from(`${user}:${id}`, 'utf8').toString('base64')}`;
const balance = { action: 'account_balance', account: account.account };

/** A pino logger that keeps its lines. */
function capturingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

describe('credentials from clients that cannot set Nano-Api-Key', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(() => gw.close());

  it('takes Authorization: Bearer <id>', async () => {
    const answer = await postJson(gw.url, '/', balance, { Authorization: `Bearer ${USERS.accounts}` });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ balance: account.balance });
  });

  it('takes Authorization: Basic with the id as the password, whatever the user name', async () => {
    for (const user of ['', 'nano', 'anything at all']) {
      const answer = await postJson(gw.url, '/', balance, { Authorization: basic(user, USERS.accounts) });
      expect([user, answer.json]).toEqual([user, expect.objectContaining({ balance: account.balance })]);
    }
  });

  it('takes them on API v2 too (bare message and envelope)', async () => {
    const bare = await postJson(
      gw.url,
      '/api/v2/AccountWeight',
      { account: rep.account },
      { Authorization: `Bearer ${USERS.walletReader}` },
    );
    expect(bare.json).toMatchObject({ message_type: 'Error', message: { code: 3 } }); // walletReader is bare
    const envelope = await postJson(
      gw.url,
      '/api/v2',
      { message_type: 'AccountWeight', message: { account: rep.account } },
      { Authorization: basic('u', USERS.accounts) },
    );
    expect(envelope.json).toMatchObject({ message_type: 'AccountWeightResponse' });
  });

  it('accepts two sources that name the same id', async () => {
    const answer = await postJson(gw.url, '/', balance, {
      'Nano-Api-Key': USERS.accounts,
      Authorization: `Bearer ${USERS.accounts}`,
    });
    expect(answer.json).toMatchObject({ balance: account.balance });
    const envelope = await postJson(
      gw.url,
      '/api/v2',
      { credentials: USERS.accounts, message_type: 'AccountWeight', message: { account: rep.account } },
      { 'Nano-Api-Key': USERS.accounts },
    );
    expect(envelope.json).toMatchObject({ message_type: 'AccountWeightResponse' });
  });

  it('refuses two sources that disagree as "Access denied", even when each alone is allowed, and never names either', async () => {
    const cases = [
      postJson(gw.url, '/', balance, { 'Nano-Api-Key': USERS.accounts, Authorization: `Bearer ${USERS.wallets}` }),
      postJson(gw.url, '/', balance, { Authorization: basic(USERS.accounts, USERS.wallets) }).then(async (a) => {
        // The user name is ignored: this one is the wallets user, who may not read balances.
        expect(a.json).toEqual({ error: 'Access denied' });
        return postJson(
          gw.url,
          '/',
          { action: 'account_weight', account: rep.account },
          { 'Nano-Api-Key': USERS.ops, Authorization: basic('x', USERS.accounts) },
        );
      }),
      call(gw.url, {
        path: '/',
        body: JSON.stringify(balance),
        headers: { 'Nano-Api-Key': [USERS.accounts, USERS.ops] },
      }),
    ];
    for (const answer of await Promise.all(cases)) {
      expect([answer.status, answer.json]).toEqual([200, { error: 'Access denied' }]);
      for (const id of Object.values(USERS)) expect(answer.text).not.toContain(id);
    }
    const v2 = await postJson(
      gw.url,
      '/api/v2',
      { credentials: USERS.accounts, message_type: 'AccountWeight', message: { account: rep.account } },
      { 'Nano-Api-Key': USERS.ops },
    );
    expect(v2.json).toMatchObject({ message_type: 'Error', message: { code: 3, message: 'Access denied' } });
  });

  it('refuses an Authorization header it cannot read instead of running the request as the default user', async () => {
    // The default user may call account_weight; a malformed or foreign scheme must not fall back to it.
    for (const value of [
      'Digest username="x"',
      'Basic !!!',
      `Basic ${Buffer.from('no colon').toString('base64')}`,
      'Bearer',
    ]) {
      const answer = await postJson(
        gw.url,
        '/',
        { action: 'account_weight', account: rep.account },
        { Authorization: value },
      );
      expect([value, answer.json]).toEqual([value, { error: 'Access denied' }]);
    }
  });

  it('answers the path form 404 while key_in_path is off, without echoing the path', async () => {
    const answer = await postJson(gw.url, `/key/${USERS.accounts}`, balance);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain(USERS.accounts);
  });

  it('lets a browser send Authorization (CORS preflight)', async () => {
    const answer = await call(gw.url, { method: 'OPTIONS', path: '/' });
    expect(String(answer.headers['access-control-allow-headers'])).toMatch(/\bAuthorization\b/);
  });
});

describe('the key in the path (key_in_path = true)', () => {
  let gw: RunningGateway;
  const log = capturingLogger();
  beforeAll(async () => {
    gw = await startInProcess({ config: { keyInPath: true, logging: { logRpc: true } }, logger: log.logger });
  });
  afterAll(() => gw.close());

  it('takes POST /key/<id> as the legacy endpoint, and /key/<id>/ too', async () => {
    for (const path of [`/key/${USERS.accounts}`, `/key/${USERS.accounts}/`]) {
      const answer = await postJson(gw.url, path, balance);
      expect([path, answer.status, answer.json]).toEqual([
        path,
        200,
        expect.objectContaining({ balance: account.balance }),
      ]);
    }
    const denied = await postJson(gw.url, `/key/${USERS.walletReader}`, balance);
    expect(denied.json).toEqual({ error: 'Access denied' });
  });

  it('takes /key/<id>/api/v2 and /key/<id>/api/v2/<Name>', async () => {
    const bare = await postJson(gw.url, `/key/${USERS.accounts}/api/v2/AccountWeight`, { account: rep.account });
    expect(bare.json).toMatchObject({ message_type: 'AccountWeightResponse' });
    const envelope = await postJson(gw.url, `/key/${USERS.walletReader}/api/v2`, {
      message_type: 'AccountWeight',
      message: { account: rep.account },
    });
    expect(envelope.json).toMatchObject({ message_type: 'Error', message: { code: 3 } });
  });

  it('percent-decodes the id, refuses one it cannot decode, and refuses a path id that disagrees with a header', async () => {
    const encoded = USERS.accounts.replace(/-/g, '%2D');
    expect((await postJson(gw.url, `/key/${encoded}`, balance)).json).toMatchObject({ balance: account.balance });
    expect((await postJson(gw.url, '/key/%E0%A4%A', { action: 'account_weight', account: rep.account })).json).toEqual({
      error: 'Access denied',
    });
    const conflict = await postJson(gw.url, `/key/${USERS.accounts}`, balance, { 'Nano-Api-Key': USERS.ops });
    expect(conflict.json).toEqual({ error: 'Access denied' });
  });

  it('answers 404 for other paths under /key/ and for an empty id', async () => {
    for (const path of [`/key/${USERS.accounts}/metrics`, `/key/${USERS.accounts}/other`, '/key/', '/key//api/v2']) {
      const answer = await call(gw.url, { path, body: '{}' });
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).not.toContain(USERS.accounts);
    }
  });

  it('never writes the id into a log line, a metric label or an answer, whichever way it came', async () => {
    const ids = [USERS.accounts, USERS.walletReader, USERS.ops];
    const answers = await Promise.all([
      postJson(gw.url, `/key/${USERS.accounts}`, { action: 'no_such_action' }),
      postJson(gw.url, `/key/${USERS.walletReader}/api/v2/NoSuchMessage`, {}),
      postJson(gw.url, `/key/${USERS.ops}`, balance, { Authorization: `Bearer ${USERS.accounts}` }),
      call(gw.url, { path: `/key/${USERS.accounts}`, body: '{not json' }),
      postJson(gw.url, '/', balance, { Authorization: basic(USERS.ops, USERS.walletReader) }),
    ]);
    const metrics = await call(gw.url, { method: 'GET', path: '/metrics' });
    const everything = [log.lines.join('\n'), metrics.text, ...answers.map((a) => a.text)].join('\n');
    expect(log.lines.filter((l) => l.includes('"msg":"rpc"')).length).toBeGreaterThanOrEqual(answers.length);
    for (const id of ids) expect(everything).not.toContain(id);
    expect(everything).not.toContain('/key/');
  });
});
