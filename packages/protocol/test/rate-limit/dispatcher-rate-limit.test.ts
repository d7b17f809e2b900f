import {
  Dispatcher,
  EmbeddedBackend,
  ErrorCode,
  RATE_LIMITED_CODE,
  RateLimiter,
  type DecisionRecord,
  type RequestContext,
} from '@nano-access/protocol';
import { ADMIN, fixedSource, ledgerData, READER } from '../helpers';

function limitedDispatcher(): Dispatcher {
  const limiter = new RateLimiter(
    { tiers: [{ permission: 'unrestricted', rate: 1, burst: 2 }], defaultUser: { rate: 1, burst: 1 }, maxBuckets: 10 },
    { clock: () => 0 },
  );
  return new Dispatcher({ policy: fixedSource(), backend: new EmbeddedBackend(ledgerData()), rateLimiter: limiter });
}

const isAlive = { message_type: 'IsAlive', message: {} };

describe('Dispatcher with a rate limiter', () => {
  it('answers a v2 message over the limit with an Error envelope, code 429, and sets ctx.retryAfter', async () => {
    const dispatcher = limitedDispatcher();
    const first: RequestContext = { transport: 'ipc', clientAddress: '127.0.0.1', credentials: ADMIN };
    expect((await dispatcher.handleEnvelope(isAlive, first)).message_type).toBe('IsAlive');
    expect(first.retryAfter).toBeUndefined();
    await dispatcher.handleEnvelope(isAlive, { ...first });
    const third: RequestContext = { ...first, correlationId: 'c-3', decision: {} };
    const answer = await dispatcher.handleEnvelope(isAlive, third);
    expect(answer.message_type).toBe('Error');
    expect(answer.correlation_id).toBe('c-3');
    expect(answer.message).toEqual({ code: ErrorCode.rateLimited, message: 'Rate limit exceeded: retry after 1 s' });
    expect(third.retryAfter).toBe(1);
    expect((third.decision as DecisionRecord).reason).toBe('rate limited');
    expect(dispatcher.metrics().requests).toContainEqual({
      kind: 'message',
      name: 'IsAlive',
      outcome: 'rate_limited',
      count: 1,
    });
    expect(dispatcher.limitsRate).toBe(true);
  });

  it('counts a message before validation and authorization: an invalid one takes a token too', async () => {
    const dispatcher = limitedDispatcher();
    const ctx = (): RequestContext => ({ transport: 'http', clientAddress: '127.0.0.2', credentials: READER });
    const denied = await dispatcher.handleEnvelope({ message_type: 'AccountWeight', message: { account: 'x' } }, ctx());
    expect(denied.message).toMatchObject({ code: ErrorCode.badAccountNumber });
    const limited = await dispatcher.handleEnvelope(isAlive, ctx());
    expect(limited.message).toMatchObject({ code: ErrorCode.rateLimited });
  });

  it('limits legacy requests the gateway authorizes, with the node-style body and retryAfter', async () => {
    const dispatcher = limitedDispatcher();
    const ctx = { authorize: true, unsafeAllowed: false, clientAddress: '127.0.0.3', credentials: ADMIN };
    expect((await dispatcher.handleLegacy({ action: 'block_count' }, ctx)).outcome).toBe('ok');
    expect((await dispatcher.handleLegacy({ action: 'block_count' }, ctx)).outcome).toBe('ok');
    const refused = await dispatcher.handleLegacy({ action: 'block_count' }, ctx);
    expect(refused).toEqual({
      outcome: 'rate_limited',
      body: { error: 'Rate limit exceeded: retry after 1 s', code: RATE_LIMITED_CODE },
      retryAfter: 1,
    });
  });

  it('never limits legacy requests trusted by transport (IPC encodings 1 and 2)', async () => {
    const dispatcher = limitedDispatcher();
    for (let index = 0; index < 5; index++) {
      const result = await dispatcher.handleLegacy(
        { action: 'block_count' },
        { authorize: false, unsafeAllowed: false, clientAddress: '127.0.0.4' },
      );
      expect(result.outcome).toBe('ok');
    }
  });

  it('shows the limiter in metricsText', () => {
    expect(limitedDispatcher().metricsText()).toContain('nano_access_rate_limit_admitted_total 0');
  });

  it('tests nothing when no limiter is given', async () => {
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: new EmbeddedBackend(ledgerData()) });
    expect(dispatcher.limitsRate).toBe(false);
    for (let index = 0; index < 5; index++) {
      expect(
        (await dispatcher.handleEnvelope(isAlive, { transport: 'http', clientAddress: '127.0.0.5' })).message_type,
      ).toBe('IsAlive');
    }
    expect(dispatcher.metricsText()).not.toContain('rate_limit');
  });
});
