import * as flatbuffers from 'flatbuffers';
import {
  decodeFlatbuffersEnvelope,
  encodeFlatbuffersEnvelope,
  messageSchema,
  validateMessage,
  validateRequestEnvelope,
} from '@nano-access/protocol';
import { DECODED_BYTES_PER_FRAME_BYTE, STRING_LIMITS } from '../../src/flatbuffers/convert';
import * as fb from '../../src/flatbuffers/generated/nanoapi_generated';
import { fixtureRepresentative } from '../helpers';
import { sharedStringTopicConfirmation } from './crafted-frames';

const rep = fixtureRepresentative();

/** An Envelope with one AccountWeight whose account is `account` (any length). */
function accountWeight(account: string, credentials?: string): Uint8Array {
  return encodeFlatbuffersEnvelope({
    message_type: 'AccountWeight',
    message: { account },
    ...(credentials === undefined ? {} : { credentials }),
  });
}

describe('flatbuffers decoding is bounded by the frame', () => {
  it("refuses the issue's frame (10,000 entries sharing one ~1 MB string) at its first entry, without decoding it", () => {
    const frame = sharedStringTopicConfirmation(10_000, 1_000_000);
    expect(frame.length).toBeLessThan(1_048_576);
    const before = process.memoryUsage().heapUsed;
    const decoded = decodeFlatbuffersEnvelope(frame);
    const grown = process.memoryUsage().heapUsed - before;
    expect(decoded).toEqual({
      ok: false,
      error: 'Invalid message format: /message/options/accounts/0: longer than 65 characters',
    });
    // Unbounded, the decode would have made 10,000 strings of 1 MB each (10 GB).
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses strings of legal length that, shared, decode to more than the budget', () => {
    const frame = sharedStringTopicConfirmation(10_000, 65, rep.account);
    const decoded = decodeFlatbuffersEnvelope(frame);
    expect(decoded).toEqual({
      ok: false,
      error: `Invalid message format: strings decode to more than ${DECODED_BYTES_PER_FRAME_BYTE} times the frame's ${frame.length} bytes (shared offsets)`,
    });
  });

  it('decodes a frame of 10,000 distinct accounts (each string stored once), and a little sharing', () => {
    const accounts = Array.from({ length: 10_000 }, (_, i) => `nano_${String(i).padStart(60, '1')}`);
    const decoded = decodeFlatbuffersEnvelope(
      encodeFlatbuffersEnvelope({ message_type: 'TopicConfirmation', message: { options: { accounts } } }),
    );
    expect(decoded.ok && (decoded.value.message as { options: { accounts: string[] } }).options.accounts).toEqual(
      accounts,
    );
    const shared = decodeFlatbuffersEnvelope(sharedStringTopicConfirmation(3, 65, rep.account));
    expect(shared.ok && (shared.value.message as { options: { accounts: string[] } }).options.accounts).toEqual([
      rep.account,
      rep.account,
      rep.account,
    ]);
  });

  it('refuses a string longer than its field could hold before decoding it, and leaves the rest to the schema', () => {
    // Up to 4 bytes per character: a string of limit*4 bytes may still be `limit` characters.
    const atBound = decodeFlatbuffersEnvelope(accountWeight('é'.repeat(STRING_LIMITS.address * 2)));
    expect(atBound.ok).toBe(true);
    expect(decodeFlatbuffersEnvelope(accountWeight('x'.repeat(STRING_LIMITS.address * 4 + 1)))).toEqual({
      ok: false,
      error: 'Invalid message format: /message/account: longer than 65 characters',
    });
    expect(
      decodeFlatbuffersEnvelope(accountWeight(rep.account, 'k'.repeat(STRING_LIMITS.credentials * 4 + 1))),
    ).toEqual({
      ok: false,
      error: 'Invalid message format: /credentials: longer than 1024 characters',
    });
    const service = encodeFlatbuffersEnvelope({
      message_type: 'ServiceRegister',
      message: { service_name: 's'.repeat(STRING_LIMITS.service_name * 4 + 1) },
    });
    expect(decodeFlatbuffersEnvelope(service)).toMatchObject({
      ok: false,
      error: expect.stringContaining('/message/service_name: longer than 256 characters'),
    });
  });

  it('refuses a string whose declared length runs past the end of the frame', () => {
    const frame = Buffer.from(accountWeight(rep.account));
    const at = frame.indexOf(Buffer.from(rep.account, 'latin1'));
    frame.writeInt32LE(0x7fffffff, at - 4);
    expect(decodeFlatbuffersEnvelope(frame)).toEqual({
      ok: false,
      error: 'Invalid message format: /message/account: string runs past the end of the buffer',
    });
  });

  it('reads a frame that is a view into a larger buffer (as IPC payloads are)', () => {
    const inner = accountWeight(rep.account, 'key');
    const pool = Buffer.alloc(inner.length + 100, 0xff);
    Buffer.from(inner).copy(pool, 37);
    const view = pool.subarray(37, 37 + inner.length);
    expect(decodeFlatbuffersEnvelope(view)).toEqual({
      ok: true,
      value: { credentials: 'key', message_type: 'AccountWeight', message: { account: rep.account } },
    });
  });

  it("has the schema's limit for each kind of string field", () => {
    const definitions = (
      messageSchema as {
        definitions: Record<string, { maxLength?: number; properties?: Record<string, { maxLength?: number }> }>;
      }
    ).definitions;
    expect(definitions.RequestEnvelope.properties!.credentials.maxLength).toBe(STRING_LIMITS.credentials);
    expect(definitions.RequestEnvelope.properties!.correlation_id.maxLength).toBe(STRING_LIMITS.correlation_id);
    expect(definitions.Address.maxLength).toBe(STRING_LIMITS.address);
    expect(definitions.HexString.maxLength).toBe(STRING_LIMITS.hex);
    expect(definitions.ServiceRegister.properties!.service_name.maxLength).toBe(STRING_LIMITS.service_name);
    expect(definitions.ServiceStop.properties!.service_name.maxLength).toBe(STRING_LIMITS.service_name);
    // DecimalString has a pattern, not a maxLength: 39 digits pass, 40 do not.
    expect(validateMessage('AccountWeightResponse', { voting_weight: '9'.repeat(STRING_LIMITS.decimal) }).ok).toBe(
      true,
    );
    expect(validateMessage('AccountWeightResponse', { voting_weight: '9'.repeat(STRING_LIMITS.decimal + 1) }).ok).toBe(
      false,
    );
    expect(
      validateRequestEnvelope({
        message_type: 'IsAlive',
        message: {},
        credentials: 'k'.repeat(STRING_LIMITS.credentials + 1),
      }).ok,
    ).toBe(false);
  });

  it('builds the crafted frame as the issue describes it: one string, 10,000 offsets to it', () => {
    const frame = sharedStringTopicConfirmation(10_000, 1_000_000);
    const envelope = fb.Envelope.getRootAsEnvelope(new flatbuffers.ByteBuffer(frame));
    const options = (envelope.message(new fb.TopicConfirmation()) as fb.TopicConfirmation).options()!;
    expect(options.accountsLength()).toBe(10_000);
    const first = options.accounts(0, flatbuffers.Encoding.UTF8_BYTES) as Uint8Array;
    const last = options.accounts(9_999, flatbuffers.Encoding.UTF8_BYTES) as Uint8Array;
    expect(first.length).toBe(1_000_000);
    expect(last.byteOffset).toBe(first.byteOffset);
  });
});
