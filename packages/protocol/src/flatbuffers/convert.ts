import * as flatbuffers from 'flatbuffers';
import * as fb from './generated/nanoapi_generated';
import type { JsonObject } from '../types';
import { ErrorMessage } from '../errors';
import { isJsonObject } from '../json-object';
import { MESSAGE_TYPES } from '../messages';

/**
 * Flatbuffers ⇄ the JSON objects of the JSON path, so one dispatcher serves
 * encodings 3 and 4 alike. Decoding yields a plain envelope object that goes
 * through the same schema validation as JSON; encoding accepts any envelope the
 * schema describes (requests for clients, responses and events for servers).
 *
 * The flatbuffers TypeScript runtime has no verifier, so decoding guards what
 * could make it loop or read out of bounds: a minimum size, a root offset inside
 * the buffer, bounded vector lengths; anything else that goes wrong while
 * reading is caught and reported as an invalid message.
 *
 * Decoding is also bounded by the frame. Flatbuffers lets many offsets share one
 * string, so a 1 MiB frame whose 10,000 vector entries all point at one ~1 MB
 * string would otherwise decode into 10 GB of strings, before any validation or
 * authorization. So each string is seen as bytes first and refused when longer
 * than its field's schema limit allows, and all the strings of one frame may
 * decode to at most DECODED_BYTES_PER_FRAME_BYTE times the frame's length.
 */

export type Decoded = { ok: true; value: JsonObject } | { ok: false; error: string };

/** Union member names, indexed by their union tag (nanoapi.fbs `Message`): tag 0 is NONE, then MESSAGE_TYPES in union order. */
const MESSAGE_NAMES: readonly string[] = ['NONE', ...MESSAGE_TYPES];
const MESSAGE_TAGS = new Map(MESSAGE_NAMES.map((name, tag) => [name, tag]));
const SUBTYPES = ['invalid', 'receive', 'send', 'change', 'epoch'] as const;
const FILTERS = ['all', 'active', 'active_quorum', 'active_confirmation_height', 'inactive'] as const;
const CONFIRMATION_TYPES = ['active_quorum', 'active_confirmation_height', 'inactive'] as const;
/** The schema allows 10,000 accounts in a TopicConfirmation filter; a longer vector is refused before reading it. */
const MAX_VECTOR = 10000;

/**
 * Decoded string bytes allowed per byte of frame. Without shared offsets a frame's strings decode
 * to at most its own length; the headroom is for a client that shares a repeated string.
 */
export const DECODED_BYTES_PER_FRAME_BYTE = 4;

/**
 * The schema's length limit of each string field (nanoapi.schema.json: `maxLength`, or the
 * pattern's for DecimalString), in characters; a test checks each against the schema. A field
 * without one (Error and Success `message`) is bounded by the frame budget alone.
 */
export const STRING_LIMITS = {
  credentials: 1024,
  correlation_id: 1024,
  address: 65,
  decimal: 39,
  hex: 128,
  service_name: 256,
} as const;

/** UTF-8 bytes of a string of `characters` code points at most: a string over this is refused unread. */
function byteLimit(characters: number): number {
  return characters * 4;
}

class DecodeError extends Error {}

/** What one frame may still decode into strings. */
class DecodeBudget {
  private remaining: number;
  constructor(private readonly frameBytes: number) {
    this.remaining = frameBytes * DECODED_BYTES_PER_FRAME_BYTE;
  }
  charge(bytes: number): void {
    this.remaining -= bytes;
    if (this.remaining < 0) {
      throw new DecodeError(
        `strings decode to more than ${DECODED_BYTES_PER_FRAME_BYTE} times the frame's ${this.frameBytes} bytes (shared offsets)`,
      );
    }
  }
}

/** Reads strings of one frame as bytes first: its length is checked before it becomes a string. */
class StringReader {
  private readonly budget: DecodeBudget;
  private readonly decoder = new TextDecoder();
  readonly frameBytes: number;
  constructor(private readonly bytes: Uint8Array) {
    this.frameBytes = bytes.length;
    this.budget = new DecodeBudget(bytes.length);
  }

  /**
   * `raw` is a generated accessor's answer with Encoding.UTF8_BYTES: a view on the frame, not a
   * copy. Refused when its declared length runs past the frame, exceeds `limit` characters' worth
   * of bytes, or passes the frame's budget; else decoded.
   */
  text(raw: string | Uint8Array | null, field: string, limit?: number): string | null {
    if (raw === null) return null;
    if (typeof raw === 'string') throw new DecodeError(`${field}: not read as bytes`); // a programming error
    const start = raw.byteOffset - this.bytes.byteOffset;
    const declared =
      start >= 4 && start <= this.bytes.length
        ? new DataView(this.bytes.buffer, this.bytes.byteOffset + start - 4, 4).getInt32(0, true)
        : -1;
    if (declared !== raw.length) throw new DecodeError(`${field}: string runs past the end of the buffer`);
    if (limit !== undefined && raw.length > byteLimit(limit))
      throw new DecodeError(`${field}: longer than ${limit} characters`);
    this.budget.charge(raw.length);
    return this.decoder.decode(raw);
  }
}

const BYTES = flatbuffers.Encoding.UTF8_BYTES;

function put(target: JsonObject, key: string, value: string | null): void {
  if (value !== null) target[key] = value;
}

function enumName(names: readonly string[], value: number, field: string): string {
  const name = names[value];
  if (name === undefined) throw new DecodeError(`/message/${field}: unknown enum value ${value}`);
  return name;
}

function decodeBlockState(block: fb.BlockState, read: StringReader): JsonObject {
  const out: JsonObject = {};
  const at = '/message/block/';
  put(out, 'hash', read.text(block.hash(BYTES), `${at}hash`, STRING_LIMITS.hex));
  put(out, 'account', read.text(block.account(BYTES), `${at}account`, STRING_LIMITS.address));
  put(out, 'previous', read.text(block.previous(BYTES), `${at}previous`, STRING_LIMITS.hex));
  put(out, 'representative', read.text(block.representative(BYTES), `${at}representative`, STRING_LIMITS.address));
  put(out, 'balance', read.text(block.balance(BYTES), `${at}balance`, STRING_LIMITS.decimal));
  put(out, 'link', read.text(block.link(BYTES), `${at}link`, STRING_LIMITS.hex));
  put(out, 'link_as_account', read.text(block.linkAsAccount(BYTES), `${at}link_as_account`, STRING_LIMITS.address));
  put(out, 'signature', read.text(block.signature(BYTES), `${at}signature`, STRING_LIMITS.hex));
  put(out, 'work', read.text(block.work(BYTES), `${at}work`, STRING_LIMITS.hex));
  out.subtype = enumName(SUBTYPES, block.subtype(), 'block/subtype');
  return out;
}

function uint64(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError('a uint64 field exceeds 2^53-1');
  return Number(value);
}

function decodeMessage(envelope: fb.Envelope, name: string, read: StringReader): JsonObject {
  const out: JsonObject = {};
  switch (name) {
    case 'Error': {
      const m = envelope.message(new fb.Error()) as fb.Error;
      out.code = m.code();
      out.category = m.category();
      put(out, 'message', read.text(m.message(BYTES), '/message/message'));
      return out;
    }
    case 'Success': {
      const m = envelope.message(new fb.Success()) as fb.Success;
      put(out, 'message', read.text(m.message(BYTES), '/message/message'));
      return out;
    }
    case 'AccountWeight': {
      const m = envelope.message(new fb.AccountWeight()) as fb.AccountWeight;
      put(out, 'account', read.text(m.account(BYTES), '/message/account', STRING_LIMITS.address));
      return out;
    }
    case 'AccountWeightResponse': {
      const m = envelope.message(new fb.AccountWeightResponse()) as fb.AccountWeightResponse;
      put(out, 'voting_weight', read.text(m.votingWeight(BYTES), '/message/voting_weight', STRING_LIMITS.decimal));
      return out;
    }
    case 'ServiceRegister': {
      const m = envelope.message(new fb.ServiceRegister()) as fb.ServiceRegister;
      put(out, 'service_name', read.text(m.serviceName(BYTES), '/message/service_name', STRING_LIMITS.service_name));
      return out;
    }
    case 'ServiceStop': {
      const m = envelope.message(new fb.ServiceStop()) as fb.ServiceStop;
      put(out, 'service_name', read.text(m.serviceName(BYTES), '/message/service_name', STRING_LIMITS.service_name));
      out.restart = m.restart();
      return out;
    }
    case 'TopicServiceStop': {
      const m = envelope.message(new fb.TopicServiceStop()) as fb.TopicServiceStop;
      out.unsubscribe = m.unsubscribe();
      return out;
    }
    case 'TopicConfirmation': {
      const m = envelope.message(new fb.TopicConfirmation()) as fb.TopicConfirmation;
      out.unsubscribe = m.unsubscribe();
      const options = m.options();
      if (options !== null) {
        const o: JsonObject = {
          confirmation_type_filter: enumName(
            FILTERS,
            options.confirmationTypeFilter(),
            'options/confirmation_type_filter',
          ),
          all_local_accounts: options.allLocalAccounts(),
          include_block: options.includeBlock(),
          include_election_info: options.includeElectionInfo(),
        };
        const count = options.accountsLength();
        if (count > 0) {
          if (count > MAX_VECTOR) throw new DecodeError(`/message/options/accounts: more than ${MAX_VECTOR} items`);
          // Each item is a 4-byte offset inside the frame.
          if (count * 4 > read.frameBytes)
            throw new DecodeError('/message/options/accounts: vector runs past the end of the buffer');
          const accounts: string[] = [];
          for (let i = 0; i < count; i++)
            accounts.push(
              read.text(options.accounts(i, BYTES), `/message/options/accounts/${i}`, STRING_LIMITS.address) ?? '',
            );
          o.accounts = accounts;
        }
        out.options = o;
      }
      return out;
    }
    case 'EventConfirmation': {
      const m = envelope.message(new fb.EventConfirmation()) as fb.EventConfirmation;
      out.confirmation_type = enumName(CONFIRMATION_TYPES, m.confirmationType(), 'confirmation_type');
      put(out, 'account', read.text(m.account(BYTES), '/message/account', STRING_LIMITS.address));
      put(out, 'amount', read.text(m.amount(BYTES), '/message/amount', STRING_LIMITS.decimal));
      put(out, 'hash', read.text(m.hash(BYTES), '/message/hash', STRING_LIMITS.hex));
      if (m.blockType() === fb.Block.BlockState) {
        out.block_type = 'BlockState';
        out.block = decodeBlockState(m.block(new fb.BlockState()) as fb.BlockState, read);
      }
      const info = m.electionInfo();
      if (info !== null) {
        const e: JsonObject = {
          duration: uint64(info.duration()),
          time: uint64(info.time()),
          request_count: uint64(info.requestCount()),
          block_count: uint64(info.blockCount()),
          voter_count: uint64(info.voterCount()),
        };
        put(e, 'tally', read.text(info.tally(BYTES), '/message/election_info/tally', STRING_LIMITS.decimal));
        out.election_info = e;
      }
      return out;
    }
    default:
      // IsAlive, EventAck, EventServiceStop are empty; BlockInfo is not served.
      return out;
  }
}

/** Reads a flatbuffers `Envelope` into the JSON envelope shape. Never throws. */
export function decodeFlatbuffersEnvelope(bytes: Uint8Array): Decoded {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8)
    return { ok: false, error: `${ErrorMessage.invalidFormatPrefix}flatbuffers envelope too short` };
  try {
    const bb = new flatbuffers.ByteBuffer(bytes);
    const root = bb.readInt32(0);
    if (root < 4 || root + 4 > bytes.length)
      return { ok: false, error: `${ErrorMessage.invalidFormatPrefix}flatbuffers root offset out of range` };
    const envelope = fb.Envelope.getRootAsEnvelope(bb);
    const read = new StringReader(bytes);
    const out: JsonObject = {};
    const time = envelope.time();
    if (time !== BigInt(0)) out.time = uint64(time);
    put(out, 'credentials', read.text(envelope.credentials(BYTES), '/credentials', STRING_LIMITS.credentials));
    put(
      out,
      'correlation_id',
      read.text(envelope.correlationId(BYTES), '/correlation_id', STRING_LIMITS.correlation_id),
    );
    const tag = envelope.messageType();
    const name = MESSAGE_NAMES[tag];
    if (name === undefined) {
      // An unknown union member: keep a recognisable name so it is answered "Unknown message type".
      out.message_type = `Message#${tag}`;
      out.message = {};
      return { ok: true, value: out };
    }
    if (name === 'NONE')
      return {
        ok: false,
        error: `${ErrorMessage.invalidFormatPrefix}/message_type: required field is missing in Envelope`,
      };
    out.message_type = name;
    out.message = decodeMessage(envelope, name, read);
    return { ok: true, value: out };
  } catch (error) {
    const detail = error instanceof DecodeError ? error.message : 'malformed flatbuffers envelope';
    return { ok: false, error: `${ErrorMessage.invalidFormatPrefix}${detail}` };
  }
}

// --- encoding --------------------------------------------------------------------

function str(builder: flatbuffers.Builder, value: unknown): number {
  return typeof value === 'string' ? builder.createString(value) : 0;
}

function obj(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

function encodeBlockState(builder: flatbuffers.Builder, block: JsonObject): number {
  const fields = [
    'hash',
    'account',
    'previous',
    'representative',
    'balance',
    'link',
    'link_as_account',
    'signature',
    'work',
  ].map((k) => str(builder, block[k]));
  fb.BlockState.startBlockState(builder);
  const [hash, account, previous, representative, balance, link, linkAsAccount, signature, work] = fields;
  if (hash) fb.BlockState.addHash(builder, hash);
  if (account) fb.BlockState.addAccount(builder, account);
  if (previous) fb.BlockState.addPrevious(builder, previous);
  if (representative) fb.BlockState.addRepresentative(builder, representative);
  if (balance) fb.BlockState.addBalance(builder, balance);
  if (link) fb.BlockState.addLink(builder, link);
  if (linkAsAccount) fb.BlockState.addLinkAsAccount(builder, linkAsAccount);
  if (signature) fb.BlockState.addSignature(builder, signature);
  if (work) fb.BlockState.addWork(builder, work);
  const subtype = SUBTYPES.indexOf(block.subtype as (typeof SUBTYPES)[number]);
  fb.BlockState.addSubtype(builder, subtype < 0 ? 0 : subtype);
  return fb.BlockState.endBlockState(builder);
}

function encodeMessage(builder: flatbuffers.Builder, name: string, m: JsonObject): number {
  switch (name) {
    case 'Error': {
      const message = str(builder, m.message);
      fb.Error.startError(builder);
      if (typeof m.code === 'number') fb.Error.addCode(builder, m.code);
      if (typeof m.category === 'number') fb.Error.addCategory(builder, m.category);
      if (message) fb.Error.addMessage(builder, message);
      return fb.Error.endError(builder);
    }
    case 'Success': {
      const message = str(builder, m.message);
      fb.Success.startSuccess(builder);
      if (message) fb.Success.addMessage(builder, message);
      return fb.Success.endSuccess(builder);
    }
    case 'AccountWeight':
      return fb.AccountWeight.createAccountWeight(
        builder,
        builder.createString(typeof m.account === 'string' ? m.account : ''),
      );
    case 'AccountWeightResponse':
      return fb.AccountWeightResponse.createAccountWeightResponse(
        builder,
        builder.createString(typeof m.voting_weight === 'string' ? m.voting_weight : ''),
      );
    case 'ServiceRegister': {
      const serviceName = str(builder, m.service_name);
      fb.ServiceRegister.startServiceRegister(builder);
      if (serviceName) fb.ServiceRegister.addServiceName(builder, serviceName);
      return fb.ServiceRegister.endServiceRegister(builder);
    }
    case 'ServiceStop':
      return fb.ServiceStop.createServiceStop(
        builder,
        builder.createString(typeof m.service_name === 'string' ? m.service_name : ''),
        m.restart === true,
      );
    case 'TopicServiceStop':
      return fb.TopicServiceStop.createTopicServiceStop(builder, m.unsubscribe === true);
    case 'TopicConfirmation': {
      let options = 0;
      if (m.options !== undefined) {
        const o = obj(m.options);
        const accounts = Array.isArray(o.accounts) ? o.accounts.map((a) => builder.createString(String(a))) : null;
        const vector = accounts ? fb.TopicConfirmationOptions.createAccountsVector(builder, accounts) : 0;
        fb.TopicConfirmationOptions.startTopicConfirmationOptions(builder);
        const filter = FILTERS.indexOf(o.confirmation_type_filter as (typeof FILTERS)[number]);
        fb.TopicConfirmationOptions.addConfirmationTypeFilter(builder, filter < 0 ? 0 : filter);
        fb.TopicConfirmationOptions.addAllLocalAccounts(builder, o.all_local_accounts === true);
        if (vector) fb.TopicConfirmationOptions.addAccounts(builder, vector);
        fb.TopicConfirmationOptions.addIncludeBlock(builder, o.include_block !== false);
        fb.TopicConfirmationOptions.addIncludeElectionInfo(builder, o.include_election_info !== false);
        options = fb.TopicConfirmationOptions.endTopicConfirmationOptions(builder);
      }
      fb.TopicConfirmation.startTopicConfirmation(builder);
      fb.TopicConfirmation.addUnsubscribe(builder, m.unsubscribe === true);
      if (options) fb.TopicConfirmation.addOptions(builder, options);
      return fb.TopicConfirmation.endTopicConfirmation(builder);
    }
    case 'EventConfirmation': {
      const account = str(builder, m.account);
      const amount = str(builder, m.amount);
      const hash = str(builder, m.hash);
      const block = m.block !== undefined ? encodeBlockState(builder, obj(m.block)) : 0;
      let info = 0;
      if (m.election_info !== undefined) {
        const e = obj(m.election_info);
        const tally = str(builder, e.tally);
        const n = (v: unknown): bigint => BigInt(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);
        fb.ElectionInfo.startElectionInfo(builder);
        fb.ElectionInfo.addDuration(builder, n(e.duration));
        fb.ElectionInfo.addTime(builder, n(e.time));
        if (tally) fb.ElectionInfo.addTally(builder, tally);
        fb.ElectionInfo.addRequestCount(builder, n(e.request_count));
        fb.ElectionInfo.addBlockCount(builder, n(e.block_count));
        fb.ElectionInfo.addVoterCount(builder, n(e.voter_count));
        info = fb.ElectionInfo.endElectionInfo(builder);
      }
      fb.EventConfirmation.startEventConfirmation(builder);
      const type = CONFIRMATION_TYPES.indexOf(m.confirmation_type as (typeof CONFIRMATION_TYPES)[number]);
      fb.EventConfirmation.addConfirmationType(builder, type < 0 ? 0 : type);
      if (account) fb.EventConfirmation.addAccount(builder, account);
      if (amount) fb.EventConfirmation.addAmount(builder, amount);
      if (hash) fb.EventConfirmation.addHash(builder, hash);
      if (block) {
        fb.EventConfirmation.addBlockType(builder, fb.Block.BlockState);
        fb.EventConfirmation.addBlock(builder, block);
      }
      if (info) fb.EventConfirmation.addElectionInfo(builder, info);
      return fb.EventConfirmation.endEventConfirmation(builder);
    }
    case 'IsAlive':
      fb.IsAlive.startIsAlive(builder);
      return fb.IsAlive.endIsAlive(builder);
    case 'EventAck':
      fb.EventAck.startEventAck(builder);
      return fb.EventAck.endEventAck(builder);
    case 'EventServiceStop':
      fb.EventServiceStop.startEventServiceStop(builder);
      return fb.EventServiceStop.endEventServiceStop(builder);
    default:
      fb.BlockInfo.startBlockInfo(builder);
      return fb.BlockInfo.endBlockInfo(builder);
  }
}

/** An envelope as encodeFlatbuffersEnvelope takes it: a request (with credentials) or a response. */
export interface FlatbuffersEnvelopeInput {
  time?: number;
  credentials?: string;
  correlation_id?: string;
  message_type: string;
  message: JsonObject;
}

/**
 * Builds a flatbuffers `Envelope` from the JSON envelope shape. Throws a
 * RangeError for a message type outside the union: a programming error (the
 * dispatcher only produces known types).
 */
export function encodeFlatbuffersEnvelope(envelope: FlatbuffersEnvelopeInput): Uint8Array {
  const tag = MESSAGE_TAGS.get(envelope.message_type);
  if (tag === undefined || tag === 0) throw new RangeError(`no flatbuffers message type ${envelope.message_type}`);
  const builder = new flatbuffers.Builder(256);
  const message = encodeMessage(builder, envelope.message_type, envelope.message);
  const credentials = str(builder, envelope.credentials);
  const correlationId = str(builder, envelope.correlation_id);
  fb.Envelope.startEnvelope(builder);
  if (typeof envelope.time === 'number' && Number.isSafeInteger(envelope.time) && envelope.time >= 0)
    fb.Envelope.addTime(builder, BigInt(envelope.time));
  if (credentials) fb.Envelope.addCredentials(builder, credentials);
  if (correlationId) fb.Envelope.addCorrelationId(builder, correlationId);
  fb.Envelope.addMessageType(builder, tag);
  fb.Envelope.addMessage(builder, message);
  builder.finish(fb.Envelope.endEnvelope(builder));
  return builder.asUint8Array();
}
