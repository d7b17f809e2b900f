import { Dispatcher, type Backend, type BackendReply, type JsonObject } from '@nano-access/protocol';
import { ADMIN, NOBODY, READER, fixedSource, fixtureRepresentative, makeDispatcher } from './helpers';

const ipc = { transport: 'ipc' as const };
const gateway = { unsafeAllowed: false, authorize: true };

/** A backend that answers every request with a promise (as a node behind HTTP does). */
function promisingBackend(): Backend {
  return {
    kind: 'test-promising',
    message: (type): Promise<BackendReply> =>
      Promise.resolve(
        type === 'AccountWeight'
          ? { ok: true, messageType: 'AccountWeightResponse', message: { voting_weight: '7' } }
          : { ok: true, messageType: 'IsAlive', message: {} },
      ),
    legacy: (): Promise<JsonObject> => Promise.resolve({ weight: '7' }),
    subscribe: () => () => undefined,
    requestStop: () => undefined,
    close: () => Promise.resolve(),
  };
}

describe('Dispatcher: an answer given at once is a value, a backend promise stays a promise', () => {
  it('answers AccountWeight from the embedded backend at once, on every entry point', () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const message = dispatcher.handleMessage('AccountWeight', { account: rep.account }, ipc);
    const envelope = dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: rep.account } },
      ipc,
    );
    const legacy = dispatcher.handleLegacy({ action: 'account_weight', account: rep.account }, gateway);
    for (const answer of [message, envelope, legacy]) expect(answer).not.toBeInstanceOf(Promise);
    expect(message).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
    expect(envelope).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } });
    expect(legacy).toEqual({ outcome: 'ok', body: { weight: rep.weight } });
  });

  it('answers refusals and bad requests at once, whatever the backend', () => {
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: promisingBackend() });
    const rep = fixtureRepresentative();
    const answers = [
      dispatcher.handleLegacy({ action: 'account_weight', account: rep.account }, { ...gateway, credentials: NOBODY }),
      dispatcher.handleLegacy({ action: 'make_coffee' }, { ...gateway, credentials: ADMIN }),
      dispatcher.handleLegacy('not a request', gateway),
      dispatcher.handleMessage('AccountWeight', { account: 'nano_1bad' }, ipc),
      dispatcher.handleMessage('NoSuchMessage', {}, ipc),
      dispatcher.handleEnvelope(
        { credentials: READER, message_type: 'AccountWeight', message: { account: rep.account } },
        ipc,
      ),
    ];
    for (const answer of answers) expect(answer).not.toBeInstanceOf(Promise);
    expect(answers[0]).toEqual({ outcome: 'denied', body: { error: 'Access denied' } });
  });

  it("hands a backend's promise on, answered once it settles", async () => {
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: promisingBackend() });
    const rep = fixtureRepresentative();
    const message = dispatcher.handleMessage('AccountWeight', { account: rep.account }, ipc);
    const legacy = dispatcher.handleLegacy(
      { action: 'account_weight', account: rep.account },
      { ...gateway, credentials: ADMIN },
    );
    expect(message).toBeInstanceOf(Promise);
    expect(legacy).toBeInstanceOf(Promise);
    expect(await message).toMatchObject({ message_type: 'AccountWeightResponse', message: { voting_weight: '7' } });
    expect(await legacy).toEqual({ outcome: 'ok', body: { weight: '7' } });
  });

  it('answers a backend that throws at once as an internal error, counted once', () => {
    const throwing: Backend = {
      ...promisingBackend(),
      message: () => {
        throw new Error('backend bug');
      },
      legacy: () => {
        throw new Error('backend bug');
      },
    };
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: throwing });
    const rep = fixtureRepresentative();
    const message = dispatcher.handleMessage('AccountWeight', { account: rep.account }, ipc);
    const legacy = dispatcher.handleLegacy(
      { action: 'account_weight', account: rep.account },
      { ...gateway, credentials: ADMIN },
    );
    expect(message).toMatchObject({ message_type: 'Error', message: { code: 2 } });
    expect(legacy).toEqual({ outcome: 'error', body: { error: 'Internal server error in RPC' } });
    const counted = dispatcher.metrics().requests.filter((row) => row.outcome === 'error');
    expect(counted).toEqual([
      expect.objectContaining({ kind: 'action', name: 'unknown', count: 1 }),
      expect.objectContaining({ kind: 'message', name: 'AccountWeight', count: 1 }),
    ]);
  });
});
