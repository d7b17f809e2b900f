import { EventEmitter } from 'node:events';
import type { Policy } from '@nano-access/resolver';
import { Dispatcher, EmbeddedBackend, isRevocationEnvelope, validateResponseEnvelope } from '@nano-access/protocol';
import { fixtureKey, signedBlock } from './backends/embedded/fixture-keys';
import { READER, RecordingSession, SERVICE, fixedSource, ledgerData, testPolicy } from './helpers';

const ZERO = '0'.repeat(64);
const WATCHER = 'watcher-2f8c6d1a-7e3b-4a95-b0c4-9d1e5f7a3b62';
const ipc = (session: RecordingSession) => ({ transport: 'ipc' as const, session });

const BEFORE = `
[[user]]
id = "${WATCHER}"
allow = "api_topic_confirmation, service"

[[user]]
id = "${READER}"
allow = "api_topic_confirmation"
`;
/** WATCHER loses every subscription permission; READER keeps its own. */
const AFTER = `
[[user]]
id = "${WATCHER}"
allow = "api_account_weight"

[[user]]
id = "${READER}"
allow = "api_topic_confirmation"
`;

/** A policy source that announces its changes, as the reloader's PolicyStore does. */
class AnnouncingSource extends EventEmitter {
  constructor(public current: Policy) {
    super();
  }
  swap(policy: Policy): void {
    this.current = policy;
    this.emit('reloaded', {});
  }
}

/** The fixture's receivable open block for key 37 (or 38), processed: one confirmation for subscribers. */
async function confirmOpenBlock(dispatcher: Dispatcher, index = 37): Promise<void> {
  const key = fixtureKey(index);
  const data = ledgerData();
  const send = data.blocks.find((b) => b.subtype === 'send' && b.contents.link === key.publicHex)!;
  const prev = data.blocks.find((b) => b.hash === send.contents.previous)!;
  const amount = (BigInt(prev.contents.balance) - BigInt(send.contents.balance)).toString();
  const { hash, ...block } = signedBlock(key.priv, {
    account: key.account,
    previous: ZERO,
    representative: key.account,
    balance: amount,
    link: send.hash,
  });
  const res = await dispatcher.handleLegacy(
    { action: 'process', json_block: 'true', block },
    { unsafeAllowed: false, authorize: false },
  );
  expect(res.body).toEqual({ hash });
}

async function subscribeAll(dispatcher: Dispatcher, session: RecordingSession, credentials: string): Promise<void> {
  const answers = [
    await dispatcher.handleEnvelope(
      { credentials, correlation_id: 'conf-1', message_type: 'TopicConfirmation', message: {} },
      ipc(session),
    ),
    await dispatcher.handleEnvelope(
      {
        credentials,
        correlation_id: 'reg-1',
        message_type: 'ServiceRegister',
        message: { service_name: 'wallet-backend' },
      },
      ipc(session),
    ),
    await dispatcher.handleEnvelope(
      { credentials, correlation_id: 'stop-1', message_type: 'TopicServiceStop', message: {} },
      ipc(session),
    ),
  ];
  expect(answers.map((a) => a.message_type)).toEqual(['EventAck', 'Success', 'EventAck']);
}

describe('a policy change re-checks live subscriptions', () => {
  it("drops what a revoked key held, telling its session once per topic with the subscription's correlation id", async () => {
    const source = new AnnouncingSource(testPolicy(BEFORE));
    const dispatcher = new Dispatcher({ policy: source, backend: new EmbeddedBackend(ledgerData()) });
    const revoked = new RecordingSession('revoked');
    const kept = new RecordingSession('kept');
    await subscribeAll(dispatcher, revoked, WATCHER);
    await dispatcher.handleEnvelope(
      { credentials: READER, correlation_id: 'r', message_type: 'TopicConfirmation', message: {} },
      ipc(kept),
    );

    source.swap(testPolicy(AFTER));
    expect(revoked.pushed.map((e) => [e.message_type, e.correlation_id, e.message])).toEqual([
      ['Error', 'conf-1', { code: 3, message: 'Access denied: TopicConfirmation revoked by a policy change' }],
      ['Error', 'stop-1', { code: 3, message: 'Access denied: TopicServiceStop revoked by a policy change' }],
      [
        'Error',
        'reg-1',
        { code: 3, message: 'Access denied: ServiceRegister "wallet-backend" revoked by a policy change' },
      ],
    ]);
    for (const envelope of revoked.pushed) {
      expect(isRevocationEnvelope(envelope)).toBe(true);
      expect(validateResponseEnvelope(envelope).ok).toBe(true);
    }
    expect(kept.pushed).toEqual([]);
    expect(dispatcher.metrics().subscriptions).toMatchObject({
      sessions: 2,
      services: 0,
      confirmationSubscribers: 1,
      serviceStopSubscribers: 0,
    });

    // No more events of those topics; the other subscriber still gets its own.
    revoked.pushed.length = 0;
    await confirmOpenBlock(dispatcher);
    await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'ServiceStop', message: { service_name: 'wallet-backend' } },
      { transport: 'ipc' },
    );
    expect(revoked.pushed).toEqual([]);
    expect(kept.pushed.map((e) => e.message_type)).toEqual(['EventConfirmation']);

    // The session stays usable; its next requests are checked as usual.
    expect(
      (await dispatcher.handleEnvelope({ credentials: WATCHER, message_type: 'IsAlive', message: {} }, ipc(revoked)))
        .message_type,
    ).toBe('IsAlive');
    expect(
      (
        await dispatcher.handleEnvelope(
          { credentials: WATCHER, message_type: 'TopicConfirmation', message: {} },
          ipc(revoked),
        )
      ).message,
    ).toEqual({ code: 3, message: 'Access denied' });
    dispatcher.close();
  });

  it('keeps what the new policy still allows, and tells nobody', async () => {
    const source = new AnnouncingSource(testPolicy(BEFORE));
    const dispatcher = new Dispatcher({ policy: source, backend: new EmbeddedBackend(ledgerData()) });
    const session = new RecordingSession('s');
    await subscribeAll(dispatcher, session, WATCHER);
    source.swap(testPolicy(BEFORE.replace('service"', 'service, api_account_weight"')));
    expect(session.pushed).toEqual([]);
    await confirmOpenBlock(dispatcher);
    expect(session.pushed.map((e) => e.message_type)).toEqual(['EventConfirmation']);
    dispatcher.close();
  });

  it('re-checks before the next event when the policy source does not announce its changes', async () => {
    const source = fixedSource(testPolicy(BEFORE));
    const dispatcher = new Dispatcher({ policy: source, backend: new EmbeddedBackend(ledgerData()) });
    const session = new RecordingSession('s');
    await dispatcher.handleEnvelope(
      { credentials: WATCHER, correlation_id: 'c', message_type: 'TopicConfirmation', message: {} },
      ipc(session),
    );
    source.current = testPolicy(AFTER);
    await confirmOpenBlock(dispatcher);
    expect(session.pushed.map((e) => [e.message_type, e.correlation_id])).toEqual([['Error', 'c']]);
    dispatcher.close();
  });

  it('stops listening to the policy source on close', () => {
    const source = new AnnouncingSource(testPolicy(BEFORE));
    const dispatcher = new Dispatcher({ policy: source, backend: new EmbeddedBackend(ledgerData()) });
    expect(source.listenerCount('reloaded')).toBe(1);
    dispatcher.close();
    expect(source.listenerCount('reloaded')).toBe(0);
  });
});

describe('the ServiceRegister budget of a session', () => {
  it('refuses a new name past maxServicesPerSession with code 1, and still accepts names it holds', async () => {
    const dispatcher = new Dispatcher({
      policy: fixedSource(),
      backend: new EmbeddedBackend(ledgerData()),
      maxServicesPerSession: 2,
    });
    const session = new RecordingSession('s');
    const register = (name: string, on = session) =>
      dispatcher.handleEnvelope(
        { credentials: SERVICE, message_type: 'ServiceRegister', message: { service_name: name } },
        ipc(on),
      );
    expect((await register('a')).message_type).toBe('Success');
    expect((await register('b')).message_type).toBe('Success');
    expect((await register('c')).message).toEqual({
      code: 1,
      message: 'Too many services registered on this session: max_services_per_connection (2)',
    });
    expect((await register('a')).message_type).toBe('Success');
    expect((await register('c', new RecordingSession('other'))).message_type).toBe('Success');
    expect(dispatcher.metrics().subscriptions.services).toBe(3);
    dispatcher.close();
  });

  it('defaults to 16 names per session', async () => {
    const dispatcher = new Dispatcher({ policy: fixedSource(), backend: new EmbeddedBackend(ledgerData()) });
    const session = new RecordingSession('s');
    const answers: string[] = [];
    for (let i = 0; i < 17; i++) {
      answers.push(
        (
          await dispatcher.handleEnvelope(
            { credentials: SERVICE, message_type: 'ServiceRegister', message: { service_name: `svc-${i}` } },
            ipc(session),
          )
        ).message_type,
      );
    }
    expect(answers.filter((t) => t === 'Success')).toHaveLength(16);
    expect(answers[16]).toBe('Error');
    dispatcher.close();
  });
});
