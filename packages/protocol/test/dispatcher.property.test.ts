import * as fc from 'fast-check';
import { validateResponseEnvelope } from '@nano-access/protocol';
import { ADMIN, RecordingSession, makeDispatcher } from './helpers';

const messageTypes = [
  'IsAlive',
  'AccountWeight',
  'ServiceRegister',
  'ServiceStop',
  'TopicServiceStop',
  'TopicConfirmation',
  'Error',
  'Bogus',
];

/** Envelope-like values: mostly well-shaped with random parts, so the deeper paths are exercised too. */
const envelopeLike = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      credentials: fc.oneof(fc.constant(ADMIN), fc.string(), fc.jsonValue()),
      correlation_id: fc.oneof(fc.string(), fc.jsonValue()),
      message_type: fc.oneof(fc.constantFrom(...messageTypes), fc.jsonValue()),
      message: fc.oneof(
        fc.dictionary(
          fc.constantFrom('account', 'service_name', 'unsubscribe', 'options', 'restart', 'x'),
          fc.jsonValue(),
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('Dispatcher (property)', () => {
  it('never rejects and always answers a well-formed envelope, for arbitrary JSON values', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('prop');
    await fc.assert(
      fc.asyncProperty(envelopeLike, async (value) => {
        const res = await dispatcher.handleEnvelope(value, { transport: 'ipc', session });
        expect(validateResponseEnvelope(res).ok).toBe(true);
        expect(() => JSON.stringify(res)).not.toThrow();
      }),
      { numRuns: 1500 },
    );
  });

  it('never rejects and always answers an object body for arbitrary legacy requests', async () => {
    const { dispatcher } = makeDispatcher();
    const request = fc.oneof(
      fc.jsonValue(),
      fc
        .record(
          {
            action: fc.oneof(
              fc.constantFrom('account_info', 'process', 'stop', 'block_info', 'wallet_create', 'blocks_info'),
              fc.string(),
            ),
          },
          { requiredKeys: ['action'] },
        )
        .chain((r) => fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...extra, ...r }))),
    );
    await fc.assert(
      fc.asyncProperty(request, fc.boolean(), fc.boolean(), async (value, unsafeAllowed, authorize) => {
        const res = await dispatcher.handleLegacy(value, { unsafeAllowed, authorize, credentials: ADMIN });
        expect(['ok', 'denied', 'unsafe', 'unknown', 'invalid', 'error']).toContain(res.outcome);
        expect(typeof res.body).toBe('object');
      }),
      { numRuns: 1000 },
    );
  });
});
