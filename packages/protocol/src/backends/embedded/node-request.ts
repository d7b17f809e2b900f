import { accountKeyDigest, canonicalAccount, lookupKey } from '../../crypto/nano-address';
import { ErrorMessage, LegacyError } from '../../errors';
import type { JsonObject } from '../../types';
import { nodeFlagValue } from './node-flag';
import { isRaw } from './state-block';

/** A request the node would refuse, with the node's error text. Thrown inside a handler, answered `{"error": …}`. */
export class NodeRequestError extends Error {}

/** The node's error texts (nano::error_common, error_blocks, error_rpc) that the embedded actions answer. */
export const NodeError = {
  badAccountNumber: ErrorMessage.badAccountNumber,
  accountNotFound: ErrorMessage.accountNotFound,
  badPublicKey: 'Bad public key',
  badPrivateKey: 'Bad private key',
  badSeed: 'Bad seed',
  badThreshold: 'Bad threshold number',
  badWork: 'Bad work',
  badDifficulty: 'Bad difficulty',
  badMultiplier: 'Bad multiplier',
  badWorkVersion: 'Bad work version',
  invalidAmount: 'Invalid amount number',
  amountTooBig: 'Amount too big',
  invalidCount: 'Invalid count',
  invalidOffset: 'Invalid offset',
  invalidIndex: 'Invalid index',
  invalidTimestamp: 'Invalid timestamp',
  badHashNumber: 'Bad hash number',
  invalidBlockHash: 'Invalid block hash',
  blockInvalid: 'Block is invalid',
  blockNotFound: 'Block not found',
  pruningDisabled: 'Pruning is disabled',
  emptyResponse: 'Empty response',
} as const;

const UINT64_MAX = (1n << 64n) - 1n;
const HEX_256 = /^[0-9A-Fa-f]{1,64}$/;
const HEX_64 = /^[0-9A-Fa-f]{1,16}$/;
const UNSIGNED = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;

/**
 * One legacy request as the node's RPC reads it: every value as text (boost::property_tree keeps
 * JSON numbers and booleans as their text, and an object or array has none), flags by the node's
 * own reading, and an answer built in the order the node writes its fields. A required field
 * that is missing is the node's "Unable to parse JSON".
 */
export class NodeCall {
  /**
   * `request` is the caller's object, read and never changed: an action that needs a field under
   * another name (`history`) makes a NodeCall of its own over a copy. `out` is the answer being
   * built, shared with that NodeCall.
   */
  constructor(
    readonly request: Readonly<JsonObject>,
    readonly out: JsonObject = {},
  ) {}

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.request, name) && this.request[name] !== undefined;
  }

  /** A required field's text. */
  text(name: string): string {
    if (!this.has(name)) throw new NodeRequestError(LegacyError.unableToParse);
    return valueText(this.request[name]);
  }

  /** An optional field's text, or undefined. */
  optionalText(name: string): string | undefined {
    return this.has(name) ? valueText(this.request[name]) : undefined;
  }

  /** A boolean option, read as the node reads it ("true", "1", true, …). */
  flag(name: string, fallback = false): boolean {
    return this.has(name) ? nodeFlagValue(this.request[name], fallback) : fallback;
  }

  /** A list field's entries as text (a missing list is "Unable to parse JSON"; a scalar has no entries). */
  list(name: string): string[] {
    if (!this.has(name)) throw new NodeRequestError(LegacyError.unableToParse);
    const value = this.request[name];
    if (Array.isArray(value)) return value.map(valueText);
    if (typeof value === 'object' && value !== null) return Object.values(value).map(valueText);
    return [];
  }

  /**
   * An account (by default the `account` field) as its canonical `nano_` address. The node marks
   * an answer whose account came in the deprecated `nano-` / `xrb-` form.
   */
  account(text = this.text('account'), error: string = NodeError.badAccountNumber): string {
    // Checked (checksum included) without copying the key out: the answer needs only the address.
    const canonical = canonicalAccount(text);
    if (canonical === null) throw new NodeRequestError(error);
    this.markDeprecatedForm(text);
    return canonical;
  }

  /**
   * account(), with its key's accountKeyDigest from the same decode: for a table read by the
   * digest (the ledger's weights), where the canonical address would cost a hash of its 65
   * characters on every lookup.
   */
  accountKey(text = this.text('account')): { account: string; digest: number } {
    const digest = accountKeyDigest(text);
    if (digest < 0) throw new NodeRequestError(NodeError.badAccountNumber);
    this.markDeprecatedForm(text);
    // A valid address has a lookup key: its `nano_` form, as canonicalAccount gives it.
    return { account: lookupKey(text)!, digest };
  }

  /** The node marks an answer whose account came in the deprecated `nano-` / `xrb-` form. */
  private markDeprecatedForm(address: string): void {
    if (address[3] === '-' || address[4] === '-') this.out.deprecated_account_format = '1';
  }

  /** A 256-bit hex value (a block hash) from a field, 64 upper-case digits; `error` when it is not hex. */
  hash(name = 'hash', error: string = NodeError.invalidBlockHash): string {
    const decoded = decodeHex256(this.text(name));
    if (decoded === null) throw new NodeRequestError(error);
    return decoded;
  }

  /** `count`, required and not zero. */
  count(): number {
    const count = decodeUnsigned(this.text('count'));
    if (count === null || count === 0) throw new NodeRequestError(NodeError.invalidCount);
    return count;
  }

  /** `count` when given, else `fallback` (unlimited by default). */
  optionalCount(fallback = Number.MAX_SAFE_INTEGER): number {
    const text = this.optionalText('count');
    if (text === undefined) return fallback;
    const count = decodeUnsigned(text);
    if (count === null) throw new NodeRequestError(NodeError.invalidCount);
    return count;
  }

  /** `offset` when given, else 0. */
  offset(): number {
    const text = this.optionalText('offset');
    if (text === undefined) return 0;
    const offset = decodeUnsigned(text);
    if (offset === null) throw new NodeRequestError(NodeError.invalidOffset);
    return offset;
  }

  /** `threshold` (raw) when given, else 0. */
  threshold(): bigint {
    const text = this.optionalText('threshold');
    if (text === undefined) return 0n;
    if (!isRaw(text)) throw new NodeRequestError(NodeError.badThreshold);
    return BigInt(text);
  }

  /** `amount` (raw, 128 bits). */
  amount(): bigint {
    const text = this.text('amount');
    if (!isRaw(text)) throw new NodeRequestError(NodeError.invalidAmount);
    return BigInt(text);
  }
}

/** A JSON value's text as boost::property_tree holds it: strings as they are, numbers and booleans as written, containers none. */
function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  return '';
}

/** 1 to 64 hex digits as 64 upper-case digits, or null (the node's uint256 decode_hex). */
export function decodeHex256(text: string): string | null {
  return HEX_256.test(text) ? text.toUpperCase().padStart(64, '0') : null;
}

/** 1 to 16 hex digits as a 64-bit number, or null (the node's uint64 from_string_hex). */
export function decodeHex64(text: string): bigint | null {
  return HEX_64.test(text) ? BigInt(`0x${text}`) : null;
}

/**
 * The node's decode_unsigned (std::stoull with nothing left over): leading white space and a sign
 * are taken, and a negative number wraps around 2^64, which is why `"count": "-1"` means "all".
 * Counts past 2^53 are all the same "unlimited" here. Null for anything else.
 */
export function decodeUnsigned(text: string): number | null {
  const match = UNSIGNED.exec(text);
  if (match === null) return null;
  let value = BigInt(match[2]);
  if (value > UINT64_MAX) return null;
  if (match[1] === '-' && value !== 0n) value = UINT64_MAX + 1n - value;
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
