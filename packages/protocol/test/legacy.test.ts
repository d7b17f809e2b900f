import { authorizeLegacy, legacyAnswerOutcome } from '../src/legacy';
import { LegacyError, legacyErrorBody } from '../src/errors';
import {
  ADMIN,
  NOBODY,
  READER,
  SERVICE,
  fixtureRepresentative,
  ledgerData,
  makeDispatcher,
  testPolicy,
} from './helpers';

const trusted = { unsafeAllowed: false, authorize: false };
const control = { unsafeAllowed: true, authorize: false };

describe('Dispatcher.handleLegacy', () => {
  it('answers a safe action over a trusted transport without credentials', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleLegacy({ action: 'account_weight', account: rep.account }, trusted);
    expect(res).toEqual({ outcome: 'ok', body: { weight: rep.weight } });
  });

  it('answers an unknown action with "Unknown command"', async () => {
    const { dispatcher } = makeDispatcher();
    expect(await dispatcher.handleLegacy({ action: 'make_coffee' }, control)).toEqual({
      outcome: 'unknown',
      body: { error: 'Unknown command' },
    });
  });

  it('treats Object.prototype names as unknown actions', async () => {
    const { dispatcher } = makeDispatcher();
    for (const action of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const request = JSON.parse(`{"action": "${action}"}`) as unknown;
      expect(
        await dispatcher.handleLegacy(request, { unsafeAllowed: true, authorize: true, credentials: ADMIN }),
      ).toEqual({ outcome: 'unknown', body: { error: 'Unknown command' } });
    }
  });

  it('answers a catalog action the backend does not implement as not implemented (its own outcome), not "Unknown command"', async () => {
    const { dispatcher } = makeDispatcher();
    expect(await dispatcher.handleLegacy({ action: 'telemetry' }, control)).toEqual({
      outcome: 'not_implemented',
      body: { error: 'Not implemented by the embedded backend', code: 'NA_PROTOCOL_NOT_IMPLEMENTED' },
    });
    expect(dispatcher.metrics().requests).toContainEqual(
      expect.objectContaining({ name: 'telemetry', outcome: 'not_implemented' }),
    );
  });

  it('answers an internal error, counted under "unknown", when the backend rejects, throws or answers no object', async () => {
    const failures: Array<[string, () => Promise<unknown>]> = [
      ['rejects', () => Promise.reject(new Error('node went away'))],
      [
        'throws',
        () => {
          throw new Error('thrown before any promise');
        },
      ],
      ['answers null', () => Promise.resolve(null)],
    ];
    for (const [how, legacy] of failures) {
      const { dispatcher, backend } = makeDispatcher();
      (backend as unknown as { legacy: () => Promise<unknown> }).legacy = legacy;
      const rep = fixtureRepresentative();
      const answer = await dispatcher.handleLegacy({ action: 'account_weight', account: rep.account }, trusted);
      expect({ how, answer }).toEqual({
        how,
        answer: { outcome: 'error', body: legacyErrorBody(LegacyError.internal) },
      });
      expect(dispatcher.metrics().requests).toContainEqual(
        expect.objectContaining({ kind: 'action', name: 'unknown', outcome: 'error' }),
      );
    }
  });

  it('refuses a control action without unsafeAllowed', async () => {
    const { dispatcher, backend } = makeDispatcher();
    const stops: string[] = [];
    backend.subscribe((e) => e.type === 'stop' && stops.push(e.reason));
    expect(await dispatcher.handleLegacy({ action: 'stop' }, trusted)).toEqual({
      outcome: 'unsafe',
      body: { error: 'Unsafe RPC not allowed' },
    });
    expect(await dispatcher.handleLegacy({ action: 'wallet_create' }, trusted)).toEqual({
      outcome: 'unsafe',
      body: { error: 'Unsafe RPC not allowed' },
    });
    expect(stops).toEqual([]);
  });

  it('runs a control action with unsafeAllowed and emits stop', async () => {
    const { dispatcher } = makeDispatcher();
    const reasons: string[] = [];
    dispatcher.onStop((reason) => reasons.push(reason));
    expect(await dispatcher.handleLegacy({ action: 'stop' }, control)).toEqual({
      outcome: 'ok',
      body: { success: '' },
    });
    expect(reasons).toEqual(['stop action']);
  });

  it('treats process with force=true and stats type=objects as control', async () => {
    const { dispatcher } = makeDispatcher();
    expect((await dispatcher.handleLegacy({ action: 'process', force: 'true', block: '{}' }, trusted)).outcome).toBe(
      'unsafe',
    );
    expect((await dispatcher.handleLegacy({ action: 'stats', type: 'objects' }, trusted)).outcome).toBe('unsafe');
    // Without the flag, process reaches the backend (and fails on the empty block there).
    expect(await dispatcher.handleLegacy({ action: 'process', block: '{}' }, trusted)).toEqual({
      outcome: 'error',
      body: { error: 'Block is invalid' },
    });
  });

  it('authorizes the action permission when asked (gateway)', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const ask = (credentials: string | undefined) =>
      dispatcher.handleLegacy(
        { action: 'account_info', account: rep.account },
        { unsafeAllowed: false, authorize: true, credentials },
      );
    expect((await ask(READER)).outcome).toBe('ok');
    expect((await ask(ADMIN)).outcome).toBe('ok');
    expect(await ask(undefined)).toEqual({ outcome: 'denied', body: { error: 'Access denied' } });
    expect(await ask(NOBODY)).toEqual({ outcome: 'denied', body: { error: 'Access denied' } });
    expect(dispatcher.metrics().denials).toBe(2);
  });

  it('checks unsafe before the permission, so a control action needs both', async () => {
    const { dispatcher } = makeDispatcher();
    expect(
      (
        await dispatcher.handleLegacy(
          { action: 'wallet_create' },
          { unsafeAllowed: false, authorize: true, credentials: SERVICE },
        )
      ).outcome,
    ).toBe('unsafe');
    expect(
      (
        await dispatcher.handleLegacy(
          { action: 'wallet_create' },
          { unsafeAllowed: true, authorize: true, credentials: READER },
        )
      ).outcome,
    ).toBe('denied');
    const ok = await dispatcher.handleLegacy(
      { action: 'wallet_create' },
      { unsafeAllowed: true, authorize: true, credentials: SERVICE },
    );
    expect(ok.outcome).toBe('ok');
    expect(ok.body.wallet).toMatch(/^[0-9A-F]{64}$/);
  });

  it('answers malformed requests with an error body', async () => {
    const { dispatcher } = makeDispatcher();
    for (const bad of [null, 'account_info', 42, [], {}, { action: 7 }]) {
      expect(await dispatcher.handleLegacy(bad, control)).toEqual({
        outcome: 'invalid',
        body: { error: 'Unable to parse JSON' },
      });
    }
  });

  it('does not run a denied process: no block is added', async () => {
    const { dispatcher } = makeDispatcher();
    const before = (await dispatcher.handleLegacy({ action: 'block_count' }, trusted)).body.count;
    const block = ledgerData().blocks[0].contents;
    const denied = await dispatcher.handleLegacy(
      { action: 'process', json_block: 'true', block },
      { unsafeAllowed: false, authorize: true, credentials: READER },
    );
    expect(denied.outcome).toBe('denied');
    expect((await dispatcher.handleLegacy({ action: 'block_count' }, trusted)).body.count).toBe(before);
  });

  it('counts legacy outcomes per action, unknown names folded', async () => {
    const { dispatcher } = makeDispatcher();
    await dispatcher.handleLegacy({ action: 'version' }, trusted);
    await dispatcher.handleLegacy({ action: 'x1' }, trusted);
    await dispatcher.handleLegacy({ action: 'x2' }, trusted);
    expect(dispatcher.metrics().requests).toEqual(
      expect.arrayContaining([
        { kind: 'action', name: 'version', outcome: 'ok', count: 1 },
        { kind: 'action', name: 'unknown', outcome: 'unknown', count: 2 },
      ]),
    );
  });
});

describe('authorizeLegacy (the checks before any backend, shared with the standalone gateway)', () => {
  const policy = testPolicy();

  it('lets an allowed request through as it came, with its action', () => {
    const request = { action: 'account_weight', account: fixtureRepresentative().account };
    expect(authorizeLegacy(request, { unsafeAllowed: false, authorize: true, credentials: ADMIN }, policy)).toEqual({
      allowed: true,
      request,
      action: 'account_weight',
      known: true,
    });
  });

  it('refuses before forwarding: unparsable, unknown, unsafe and denied, each with its answer', () => {
    expect(authorizeLegacy([], { unsafeAllowed: false, authorize: false }, policy)).toEqual({
      allowed: false,
      result: { outcome: 'invalid', body: { error: 'Unable to parse JSON' } },
      action: 'unknown',
      known: false,
    });
    expect(
      authorizeLegacy({ action: 'make_coffee' }, { unsafeAllowed: false, authorize: false }, policy),
    ).toMatchObject({
      allowed: false,
      result: { outcome: 'unknown', body: { error: 'Unknown command' } },
    });
    expect(
      authorizeLegacy({ action: 'stop' }, { unsafeAllowed: false, authorize: true, credentials: ADMIN }, policy),
    ).toMatchObject({
      allowed: false,
      result: { outcome: 'unsafe', body: { error: 'Unsafe RPC not allowed' } },
    });
    expect(
      authorizeLegacy(
        { action: 'account_weight' },
        { unsafeAllowed: false, authorize: true, credentials: { ids: [ADMIN, READER] } },
        policy,
      ),
    ).toMatchObject({ allowed: false, result: { outcome: 'denied', body: { error: 'Access denied' } } });
  });

  it('names the outcome of a backend answer', () => {
    expect(legacyAnswerOutcome({ weight: '1' })).toBe('ok');
    expect(legacyAnswerOutcome({ error: 'Unknown command' })).toBe('unknown');
    expect(legacyAnswerOutcome({ error: 'Not implemented by the embedded backend' })).toBe('not_implemented');
    expect(legacyAnswerOutcome({ error: 'Bad account number' })).toBe('error');
  });
});
