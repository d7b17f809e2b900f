import { Writable } from 'node:stream';
import pino from 'pino';
import { Dispatcher, EmbeddedBackend, decodeFlatbuffersEnvelope, type Backend } from '@nano-access/protocol';
import * as fc from 'fast-check';
import { ADMIN, NOBODY, READER, fixedSource, fixtureRepresentative, ledgerData, makeDispatcher } from './helpers';

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

describe('Dispatcher logging', () => {
  it('logs denials without the credentials', async () => {
    const { logger, lines } = capture();
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: new EmbeddedBackend(ledgerData()), logger });
    const rep = fixtureRepresentative();
    await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'ipc' },
    );
    await dispatcher.handleEnvelope(
      { credentials: NOBODY, message_type: 'ServiceRegister', message: { service_name: 'x' } },
      { transport: 'ipc' },
    );
    await dispatcher.handleLegacy(
      { action: 'account_info', account: rep.account },
      { unsafeAllowed: false, authorize: true, credentials: NOBODY },
    );
    const text = lines.join('');
    expect(lines.length).toBe(3);
    expect(text).toContain('AccountWeight');
    expect(text).not.toContain(READER);
    expect(text).not.toContain(NOBODY);
  });

  it('answers Internal error (code 2) when a backend throws, and logs it', async () => {
    const { logger, lines } = capture();
    const failing: Backend = {
      kind: 'failing',
      message: async () => {
        throw new Error('boom');
      },
      legacy: async () => {
        throw new Error('boom');
      },
      subscribe: () => () => {},
      requestStop: () => {},
      close: async () => {},
    };
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: failing, logger });
    const res = await dispatcher.handleEnvelope(
      { credentials: ADMIN, correlation_id: 'x', message_type: 'IsAlive', message: {} },
      { transport: 'ipc' },
    );
    expect(res).toMatchObject({
      message_type: 'Error',
      correlation_id: 'x',
      message: { code: 2, message: 'Internal error' },
    });
    expect(await dispatcher.handleLegacy({ action: 'version' }, { unsafeAllowed: false, authorize: false })).toEqual({
      outcome: 'error',
      body: { error: 'Internal server error in RPC' },
    });
    expect(lines.join('')).toContain('boom');
  });
});

describe('Dispatcher.handleFlatbuffers (property)', () => {
  it('never rejects and always answers a decodable envelope for arbitrary bytes', async () => {
    const { dispatcher } = makeDispatcher();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const out = await dispatcher.handleFlatbuffers(bytes, { transport: 'ipc' });
        expect(decodeFlatbuffersEnvelope(out).ok).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
