import { ErrorCode, validateResponseEnvelope } from '@nano-access/protocol';
import {
  ADMIN,
  NOBODY,
  READER,
  SERVICE,
  RecordingSession,
  fixtureRepresentative,
  makeDispatcher,
  testPolicy,
} from './helpers';

const ipc = { transport: 'ipc' as const };

describe('Dispatcher.handleEnvelope', () => {
  it('answers AccountWeight for the default user with the ledger weight', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: rep.account } },
      ipc,
    );
    expect(res.message_type).toBe('AccountWeightResponse');
    expect(res.message).toEqual({ voting_weight: rep.weight });
    expect(validateResponseEnvelope(res).ok).toBe(true);
    expect(typeof res.time).toBe('number');
  });

  it('echoes the correlation id', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ correlation_id: 'abc-1', message_type: 'IsAlive', message: {} }, ipc);
    expect(res).toMatchObject({ message_type: 'IsAlive', correlation_id: 'abc-1', message: {} });
  });

  it('reports a missing field with its path (code 1)', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ message_type: 'AccountWeight', message: {} }, ipc);
    expect(res.message).toEqual({
      code: 1,
      message: 'Invalid message format: /message/account: required field is missing in AccountWeight',
    });
  });

  it('reports an unknown field with its path', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const res = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: rep.account, extra: 1 } },
      ipc,
    );
    expect(res.message).toEqual({
      code: 1,
      message: 'Invalid message format: /message/extra: unknown field in AccountWeight',
    });
  });

  it('reports a wrong type with its path', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope(
      { message_type: 'TopicConfirmation', message: { options: { include_block: 'yes' } } },
      ipc,
    );
    expect(res.message).toEqual({
      code: 1,
      message: 'Invalid message format: /message/options/include_block: must be boolean',
    });
  });

  it('reports an unknown envelope field and a non-object envelope', async () => {
    const { dispatcher } = makeDispatcher();
    expect((await dispatcher.handleEnvelope({ message_type: 'IsAlive', message: {}, user: 'x' }, ipc)).message).toEqual(
      {
        code: 1,
        message: 'Invalid message format: /user: unknown field in Envelope',
      },
    );
    expect((await dispatcher.handleEnvelope([1, 2], ipc)).message).toEqual({
      code: 1,
      message: 'Invalid message format: /: must be object',
    });
  });

  it('answers an unknown message type with code 1', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ message_type: 'AccountBalance', message: {} }, ipc);
    expect(res.message).toEqual({ code: 1, message: 'Unknown message type' });
    const response = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeightResponse', message: { voting_weight: '1' } },
      ipc,
    );
    expect(response.message).toEqual({ code: 1, message: 'Unknown message type' });
  });

  it('answers a bad address with code 7', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const broken = rep.account.slice(0, -1) + (rep.account.endsWith('1') ? '3' : '1');
    const res = await dispatcher.handleEnvelope({ message_type: 'AccountWeight', message: { account: broken } }, ipc);
    expect(res.message).toEqual({ code: 7, message: 'Bad account number' });
  });

  it("uses the transport credentials when the envelope has none, and the envelope's when the transport has none", async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const fromHeader = await dispatcher.handleEnvelope(
      { message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http', credentials: READER },
    );
    expect(fromHeader.message).toEqual({ code: ErrorCode.accessDenied, message: 'Access denied' });
    const fromEnvelope = await dispatcher.handleEnvelope(
      { credentials: ADMIN, message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http' },
    );
    expect(fromEnvelope.message_type).toBe('AccountWeightResponse');
    const same = await dispatcher.handleEnvelope(
      { credentials: ADMIN, message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http', credentials: ADMIN },
    );
    expect(same.message_type).toBe('AccountWeightResponse');
  });

  it('denies a request whose envelope and transport credentials disagree, even when either alone is allowed', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const both = await dispatcher.handleEnvelope(
      { credentials: ADMIN, message_type: 'AccountWeight', message: { account: rep.account } },
      { transport: 'http', credentials: READER, correlationId: 'c' },
    );
    expect(both).toMatchObject({
      message_type: 'Error',
      correlation_id: 'c',
      message: { code: ErrorCode.accessDenied, message: 'Access denied' },
    });
    expect(JSON.stringify(both)).not.toContain(ADMIN);
    const sources = await dispatcher.handleMessage(
      'AccountWeight',
      { account: rep.account },
      { transport: 'http', credentials: { ids: [ADMIN, READER] } },
    );
    expect(sources.message).toEqual({ code: ErrorCode.accessDenied, message: 'Access denied' });
    expect(dispatcher.metrics().denials).toBeGreaterThanOrEqual(2);
  });

  it("denies a legacy action when the transport's sources disagree or one is unreadable", async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const request = { action: 'account_weight', account: rep.account };
    expect(
      (await dispatcher.handleLegacy(request, { authorize: true, unsafeAllowed: false, credentials: ADMIN })).outcome,
    ).toBe('ok');
    const conflict = await dispatcher.handleLegacy(request, {
      authorize: true,
      unsafeAllowed: false,
      credentials: { ids: [ADMIN, 'other'] },
    });
    expect(conflict).toEqual({ outcome: 'denied', body: { error: 'Access denied' } });
    const unreadable = await dispatcher.handleLegacy(request, {
      authorize: true,
      unsafeAllowed: false,
      credentials: { ids: [ADMIN], unreadable: true },
    });
    expect(unreadable.outcome).toBe('denied');
  });
});

describe('authorization', () => {
  const rep = fixtureRepresentative();
  const weight = { message_type: 'AccountWeight', message: { account: rep.account } };

  it('allows a permission granted by unrestricted', async () => {
    const { dispatcher } = makeDispatcher();
    expect((await dispatcher.handleEnvelope({ ...weight, credentials: ADMIN }, ipc)).message_type).toBe(
      'AccountWeightResponse',
    );
  });

  it('denies a permission removed by deny (code 3)', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ ...weight, credentials: READER }, ipc);
    expect(res.message_type).toBe('Error');
    expect(res.message).toEqual({ code: 3, message: 'Access denied' });
  });

  it('denies unknown credentials, even what the default user may do', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ ...weight, credentials: NOBODY }, ipc);
    expect(res.message).toEqual({ code: 3, message: 'Access denied' });
  });

  it('allows IsAlive (null permission) for unknown credentials', async () => {
    const { dispatcher } = makeDispatcher();
    const res = await dispatcher.handleEnvelope({ credentials: NOBODY, message_type: 'IsAlive', message: {} }, ipc);
    expect(res.message_type).toBe('IsAlive');
  });

  it('checks TopicConfirmation, which the reference node leaves unchecked', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('s1');
    const denied = await dispatcher.handleEnvelope(
      { message_type: 'TopicConfirmation', message: {} },
      { ...ipc, session },
    );
    expect(denied.message).toEqual({ code: 3, message: 'Access denied' });
    expect(dispatcher.metrics().subscriptions.confirmationSubscribers).toBe(0);
    const allowed = await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicConfirmation', message: {} },
      { ...ipc, session },
    );
    expect(allowed.message_type).toBe('EventAck');
  });

  it('checks TopicServiceStop', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('s2');
    const res = await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'TopicServiceStop', message: {} },
      { ...ipc, session },
    );
    expect(res.message).toEqual({ code: 3, message: 'Access denied' });
  });

  it('registers nothing when ServiceRegister is denied', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('s3');
    const res = await dispatcher.handleEnvelope(
      { credentials: READER, message_type: 'ServiceRegister', message: { service_name: 'wallet' } },
      { ...ipc, session },
    );
    expect(res.message).toEqual({ code: 3, message: 'Access denied' });
    expect(dispatcher.metrics().subscriptions).toMatchObject({ sessions: 0, services: 0 });
  });

  it('follows a policy swap on the next request', async () => {
    const { dispatcher, source } = makeDispatcher();
    expect((await dispatcher.handleEnvelope(weight, ipc)).message_type).toBe('AccountWeightResponse');
    source.current = testPolicy('[[user]]\nid = ""\nbare = true\n');
    expect((await dispatcher.handleEnvelope(weight, ipc)).message).toEqual({ code: 3, message: 'Access denied' });
  });

  it('counts requests by outcome and denials', async () => {
    const { dispatcher } = makeDispatcher();
    await dispatcher.handleEnvelope(weight, ipc);
    await dispatcher.handleEnvelope({ ...weight, credentials: READER }, ipc);
    await dispatcher.handleEnvelope({ message_type: 'Nope', message: {} }, ipc);
    const m = dispatcher.metrics();
    expect(m.denials).toBe(1);
    expect(m.requests).toEqual(
      expect.arrayContaining([
        { kind: 'message', name: 'AccountWeight', outcome: 'ok', count: 1 },
        { kind: 'message', name: 'AccountWeight', outcome: 'denied', count: 1 },
        { kind: 'message', name: 'unknown', outcome: 'unknown', count: 1 },
      ]),
    );
    expect(dispatcher.metricsText()).toContain(
      'nano_access_protocol_requests_total{kind="message",name="AccountWeight",outcome="denied"} 1',
    );
  });
});

describe('Dispatcher.handleMessage (gateway, bare message)', () => {
  it('authorizes with the context credentials', async () => {
    const { dispatcher } = makeDispatcher();
    const rep = fixtureRepresentative();
    const ok = await dispatcher.handleMessage(
      'AccountWeight',
      { account: rep.account },
      { transport: 'http', credentials: SERVICE },
    );
    expect(ok.message).toEqual({ code: 3, message: 'Access denied' });
    const allowed = await dispatcher.handleMessage(
      'AccountWeight',
      { account: rep.account },
      { transport: 'http', correlationId: 'c9' },
    );
    expect(allowed).toMatchObject({ message_type: 'AccountWeightResponse', correlation_id: 'c9' });
  });

  it('answers an unknown name with code 1', async () => {
    const { dispatcher } = makeDispatcher();
    expect((await dispatcher.handleMessage('Foo', {}, { transport: 'http' })).message).toEqual({
      code: 1,
      message: 'Unknown message type',
    });
  });
});
