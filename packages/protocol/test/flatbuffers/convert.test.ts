import {
  decodeFlatbuffersEnvelope,
  encodeFlatbuffersEnvelope,
  MESSAGE_TYPES,
  type FlatbuffersEnvelopeInput,
} from '@nano-access/protocol';
import * as fc from 'fast-check';
import { Message } from '../../src/flatbuffers/generated/nanoapi/message';
import { ADMIN, READER, RecordingSession, fixtureRepresentative, makeDispatcher } from '../helpers';

const rep = fixtureRepresentative();

describe('flatbuffers envelopes', () => {
  it('MESSAGE_TYPES lists the union members in tag order (the tag table is derived from it)', () => {
    MESSAGE_TYPES.forEach((name, index) => expect({ name, tag: Message[name] }).toEqual({ name, tag: index + 1 }));
    const members = Object.keys(Message).filter((key) => Number.isNaN(Number(key)) && key !== 'NONE');
    expect(members).toEqual([...MESSAGE_TYPES]);
  });

  const samples: FlatbuffersEnvelopeInput[] = [
    {
      time: 1579736914615,
      credentials: 'key',
      correlation_id: 'c1',
      message_type: 'AccountWeight',
      message: { account: rep.account },
    },
    { message_type: 'IsAlive', message: {} },
    { message_type: 'AccountWeightResponse', message: { voting_weight: rep.weight } },
    { message_type: 'Error', message: { code: 3, category: 0, message: 'Access denied' } },
    { message_type: 'ServiceStop', message: { service_name: 'svc', restart: true } },
    {
      message_type: 'TopicConfirmation',
      message: {
        unsubscribe: false,
        options: {
          confirmation_type_filter: 'active_quorum',
          all_local_accounts: false,
          accounts: [rep.account],
          include_block: true,
          include_election_info: false,
        },
      },
    },
    {
      message_type: 'EventConfirmation',
      message: {
        confirmation_type: 'inactive',
        account: rep.account,
        amount: '1000',
        hash: 'AB'.repeat(32),
        block_type: 'BlockState',
        block: {
          hash: 'AB'.repeat(32),
          account: rep.account,
          previous: '00'.repeat(32),
          representative: rep.account,
          balance: '5',
          link: 'CD'.repeat(32),
          link_as_account: rep.account,
          signature: 'EF'.repeat(64),
          work: '0123456789abcdef',
          subtype: 'send',
        },
        election_info: {
          duration: 12,
          time: 1700000000000,
          tally: '99',
          request_count: 1,
          block_count: 2,
          voter_count: 3,
        },
      },
    },
  ];

  it.each(samples.map((s) => [s.message_type, s]))('round-trips %s', (_name, sample) => {
    const decoded = decodeFlatbuffersEnvelope(encodeFlatbuffersEnvelope(sample));
    expect(decoded).toEqual({ ok: true, value: sample });
  });

  it('refuses short, truncated and garbage buffers without throwing', () => {
    expect(decodeFlatbuffersEnvelope(new Uint8Array(3))).toMatchObject({ ok: false });
    const good = encodeFlatbuffersEnvelope(samples[0]);
    for (let cut = 0; cut < good.length; cut += 3)
      expect(() => decodeFlatbuffersEnvelope(good.subarray(0, cut))).not.toThrow();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = decodeFlatbuffersEnvelope(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Dispatcher.handleFlatbuffers', () => {
  it('serves AccountWeight over flatbuffers through the same authorization', async () => {
    const { dispatcher } = makeDispatcher();
    const ok = await dispatcher.handleFlatbuffers(
      encodeFlatbuffersEnvelope({
        correlation_id: 'fb1',
        message_type: 'AccountWeight',
        message: { account: rep.account },
      }),
      { transport: 'ipc' },
    );
    expect(decodeFlatbuffersEnvelope(ok)).toEqual({
      ok: true,
      value: {
        time: expect.any(Number),
        correlation_id: 'fb1',
        message_type: 'AccountWeightResponse',
        message: { voting_weight: rep.weight },
      },
    });
    const denied = await dispatcher.handleFlatbuffers(
      encodeFlatbuffersEnvelope({
        credentials: READER,
        message_type: 'AccountWeight',
        message: { account: rep.account },
      }),
      { transport: 'ipc' },
    );
    expect(decodeFlatbuffersEnvelope(denied)).toMatchObject({
      ok: true,
      value: { message_type: 'Error', message: { code: 3, message: 'Access denied' } },
    });
  });

  it('answers a bad address with code 7 and garbage with code 1', async () => {
    const { dispatcher } = makeDispatcher();
    const bad = await dispatcher.handleFlatbuffers(
      encodeFlatbuffersEnvelope({ message_type: 'AccountWeight', message: { account: 'nano_1bad' } }),
      { transport: 'ipc' },
    );
    expect(decodeFlatbuffersEnvelope(bad)).toMatchObject({
      ok: true,
      value: { message: { code: 7, message: 'Bad account number' } },
    });
    const garbage = await dispatcher.handleFlatbuffers(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), {
      transport: 'ipc',
    });
    expect(decodeFlatbuffersEnvelope(garbage)).toMatchObject({
      ok: true,
      value: { message_type: 'Error', message: { code: 1 } },
    });
  });

  it('subscribes over flatbuffers and answers a response type with Unknown message type', async () => {
    const { dispatcher } = makeDispatcher();
    const session = new RecordingSession('fb');
    const ack = await dispatcher.handleFlatbuffers(
      encodeFlatbuffersEnvelope({ credentials: ADMIN, message_type: 'TopicConfirmation', message: {} }),
      { transport: 'ipc', session },
    );
    expect(decodeFlatbuffersEnvelope(ack)).toMatchObject({ ok: true, value: { message_type: 'EventAck' } });
    const unknown = await dispatcher.handleFlatbuffers(
      encodeFlatbuffersEnvelope({ message_type: 'EventAck', message: {} }),
      { transport: 'ipc' },
    );
    expect(decodeFlatbuffersEnvelope(unknown)).toMatchObject({
      ok: true,
      value: { message: { code: 1, message: 'Unknown message type' } },
    });
  });
});
