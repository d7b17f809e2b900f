import { validateResponseEnvelope } from '@nano-access/protocol';
import { fixtureKey, signedBlock } from './backends/embedded/fixture-keys';
import { ADMIN, READER, SERVICE, RecordingSession, ledgerData, makeDispatcher } from './helpers';

const ZERO = '0'.repeat(64);

/** Processes the fixture's receivable open block for key 37 (or 38) through the dispatcher. */
async function confirmOpenBlock(
  dispatcher: ReturnType<typeof makeDispatcher>['dispatcher'],
  index = 37,
): Promise<{ hash: string; account: string }> {
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
  return { hash, account: key.account };
}

describe('TopicConfirmation', () => {
  it('pushes EventConfirmation to subscribers with their correlation id', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('sub-1');
    const ack = await dispatcher.handleEnvelope(
      { credentials: READER, correlation_id: 'conf', message_type: 'TopicConfirmation', message: {} },
      { transport: 'ipc', session },
    );
    expect(ack).toMatchObject({ message_type: 'EventAck', correlation_id: 'conf' });
    const { hash, account } = await confirmOpenBlock(dispatcher);
    expect(session.pushed).toHaveLength(1);
    const event = session.pushed[0];
    expect(event).toMatchObject({
      message_type: 'EventConfirmation',
      correlation_id: 'conf',
      message: { account, hash, confirmation_type: 'active_quorum', block_type: 'BlockState' },
    });
    expect(validateResponseEnvelope(event)).toEqual({ ok: true, value: event.message });
    expect(dispatcher.metrics().eventsPushed).toBe(1);
  });

  it('filters by account and honours include_block', async () => {
    const { dispatcher } = makeDispatcher();
    const other = new RecordingSession('sub-other');
    const mine = new RecordingSession('sub-mine');
    await dispatcher.handleEnvelope(
      {
        credentials: ADMIN,
        message_type: 'TopicConfirmation',
        message: { options: { accounts: [fixtureKey(38).account] } },
      },
      { transport: 'ipc', session: other },
    );
    await dispatcher.handleEnvelope(
      {
        credentials: ADMIN,
        message_type: 'TopicConfirmation',
        message: { options: { accounts: [fixtureKey(37).account], include_block: false } },
      },
      { transport: 'ipc', session: mine },
    );
    await confirmOpenBlock(dispatcher, 37);
    expect(other.pushed).toHaveLength(0);
    expect(mine.pushed).toHaveLength(1);
    expect(mine.pushed[0].message.block).toBeUndefined();
  });

  it('stops pushing after unsubscribe and after closeSession', async () => {
    const { dispatcher } = makeDispatcher();
    const a = new RecordingSession('a');
    const b = new RecordingSession('b');
    for (const session of [a, b])
      await dispatcher.handleEnvelope(
        { credentials: READER, message_type: 'TopicConfirmation', message: {} },
        { transport: 'ipc', session },
      );
    expect(dispatcher.metrics().subscriptions.confirmationSubscribers).toBe(2);
    await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicConfirmation', message: { unsubscribe: true } },
      { transport: 'ipc', session: a },
    );
    dispatcher.closeSession(b);
    expect(dispatcher.metrics().subscriptions).toMatchObject({ confirmationSubscribers: 0, sessions: 1 });
    await confirmOpenBlock(dispatcher);
    expect(a.pushed).toHaveLength(0);
    expect(b.pushed).toHaveLength(0);
  });

  it('drops a session whose push throws, and still serves the others', async () => {
    const { dispatcher } = makeDispatcher();
    const broken = {
      id: 'broken',
      push: () => {
        throw new Error('socket closed');
      },
    };
    const fine = new RecordingSession('fine');
    await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicConfirmation', message: {} },
      { transport: 'ipc', session: broken },
    );
    await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicConfirmation', message: {} },
      { transport: 'ipc', session: fine },
    );
    await confirmOpenBlock(dispatcher);
    expect(fine.pushed).toHaveLength(1);
    expect(dispatcher.metrics().subscriptions.sessions).toBe(1);
  });

  it('needs a session', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicConfirmation', message: {} },
      { transport: 'http' },
    );
    expect(res.message).toMatchObject({ code: 1 });
  });
});

describe('services', () => {
  it('delivers EventServiceStop to the registered and subscribed service session', async () => {
    const { dispatcher } = makeDispatcher();
    const service = new RecordingSession('svc');
    const bystander = new RecordingSession('by');
    const ctx = { transport: 'ipc' as const, session: service };
    expect(
      (
        await dispatcher.handleEnvelope(
          { credentials: SERVICE, message_type: 'ServiceRegister', message: { service_name: 'wallet-backend' } },
          ctx,
        )
      ).message_type,
    ).toBe('Success');
    expect(
      (
        await dispatcher.handleEnvelope(
          { credentials: SERVICE, correlation_id: 'stop-sub', message_type: 'TopicServiceStop', message: {} },
          ctx,
        )
      ).message_type,
    ).toBe('EventAck');
    const stop = await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'ServiceStop', message: { service_name: 'wallet-backend' } },
      { transport: 'ipc', session: bystander },
    );
    expect(stop.message_type).toBe('Success');
    expect(service.pushed).toEqual([
      expect.objectContaining({ message_type: 'EventServiceStop', correlation_id: 'stop-sub', message: {} }),
    ]);
    expect(bystander.pushed).toEqual([]);
  });

  it('refuses TopicServiceStop before ServiceRegister on the session', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'TopicServiceStop', message: {} },
      { transport: 'ipc', session: new RecordingSession('x') },
    );
    expect(res.message).toEqual({ code: 1, message: 'Service not registered on this session' });
  });

  it('delivers nothing after TopicServiceStop unsubscribe or closeSession', async () => {
    const { dispatcher } = makeDispatcher();
    const s1 = new RecordingSession('s1');
    const s2 = new RecordingSession('s2');
    for (const session of [s1, s2]) {
      await dispatcher.handleEnvelope(
        { credentials: SERVICE, message_type: 'ServiceRegister', message: { service_name: 'svc' } },
        { transport: 'ipc', session },
      );
      await dispatcher.handleEnvelope(
        { credentials: SERVICE, message_type: 'TopicServiceStop', message: {} },
        { transport: 'ipc', session },
      );
    }
    await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'TopicServiceStop', message: { unsubscribe: true } },
      { transport: 'ipc', session: s1 },
    );
    dispatcher.closeSession(s2);
    await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'ServiceStop', message: { service_name: 'svc' } },
      { transport: 'ipc' },
    );
    expect(s1.pushed).toEqual([]);
    expect(s2.pushed).toEqual([]);
    expect(dispatcher.metrics().subscriptions).toMatchObject({ sessions: 1, services: 1, serviceStopSubscribers: 0 });
  });

  it('stops the server on ServiceStop "node" only with api_stop and control, as the stop action', async () => {
    const { dispatcher } = makeDispatcher();
    const reasons: string[] = [];
    dispatcher.onStop((r) => reasons.push(r));
    const stopNode = (credentials: string, controlAllowed?: boolean) =>
      dispatcher.handleEnvelope(
        { credentials, message_type: 'ServiceStop', message: { service_name: 'node' } },
        { transport: 'ipc', controlAllowed },
      );
    // READER lacks api_service_stop; SERVICE holds it but not api_stop; ADMIN holds both but needs control.
    for (const [credentials, control] of [
      [READER, true],
      [SERVICE, false],
      [SERVICE, true],
      [ADMIN, false],
      [ADMIN, undefined],
    ] as const) {
      expect((await stopNode(credentials, control)).message).toEqual({ code: 3, message: 'Access denied' });
    }
    expect(reasons).toEqual([]);
    expect(dispatcher.metrics().denials).toBe(5);
    expect((await stopNode(ADMIN, true)).message_type).toBe('Success');
    expect(reasons).toEqual(['ServiceStop node']);
  });

  it('still delivers ServiceStop for other names with the service permission alone, without control', async () => {
    const { dispatcher } = makeDispatcher();
    const service = new RecordingSession('svc');
    await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'ServiceRegister', message: { service_name: 'Node' } },
      { transport: 'ipc', session: service },
    );
    await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'TopicServiceStop', message: {} },
      { transport: 'ipc', session: service },
    );
    const reasons: string[] = [];
    dispatcher.onStop((r) => reasons.push(r));
    const res = await dispatcher.handleEnvelope(
      { credentials: SERVICE, message_type: 'ServiceStop', message: { service_name: 'Node' } },
      { transport: 'ipc' },
    );
    expect(res.message_type).toBe('Success');
    expect(service.pushed.map((e) => e.message_type)).toEqual(['EventServiceStop']);
    expect(reasons).toEqual([]);
  });
});
