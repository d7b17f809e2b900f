import type { BlockStateJson } from '../../backend';
import { blake2b } from '../../crypto/blake2b';
import { decodeAccount, encodeAccount } from '../../crypto/nano-address';
import { ErrorMessage } from '../../errors';

export const ZERO_HASH = '0'.repeat(64);
export const MAX_RAW = (1n << 128n) - 1n;
const HEX64 = /^[0-9A-Fa-f]{64}$/;
const HEX128 = /^[0-9A-Fa-f]{128}$/;
const HEX16 = /^[0-9A-Fa-f]{16}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,38})$/;

export type Subtype = 'send' | 'receive' | 'open' | 'change' | 'epoch';

/** A state block as the node's JSON (`"type": "state"`), hex upper-case, amounts as decimal strings. */
export interface StateBlock {
  type: 'state';
  account: string;
  previous: string;
  representative: string;
  balance: string;
  link: string;
  link_as_account: string;
  signature: string;
  work: string;
}

export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

export function isRaw(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value) && BigInt(value) <= MAX_RAW;
}

const PREAMBLE = new Uint8Array(32);
PREAMBLE[31] = 6; // state block type

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function balanceBytes(raw: string): Uint8Array {
  const out = new Uint8Array(16);
  let n = BigInt(raw);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** The state block's hash: BLAKE2b-256(preamble ‖ account ‖ previous ‖ representative ‖ balance ‖ link), upper-case hex. */
export function stateBlockHash(block: StateBlock): string {
  const parts = [
    PREAMBLE,
    decodeAccount(block.account)!,
    hexBytes(block.previous),
    decodeAccount(block.representative)!,
    balanceBytes(block.balance),
    hexBytes(block.link),
  ];
  const all = new Uint8Array(32 * 5 + 16);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return Buffer.from(blake2b(all, 32)).toString('hex').toUpperCase();
}

export type ParsedBlock = { ok: true; block: StateBlock; hash: string } | { ok: false; error: string };

/**
 * Reads a block from a request (`block` as an object, or as a JSON string as
 * older clients send it) and normalises it. Only state blocks are accepted, as
 * the live network has required since V19. Signature and work formats are
 * checked here; the signature itself by the ledger.
 */
export function parseStateBlock(input: unknown): ParsedBlock {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: 'Block is invalid' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'Block is invalid' };
  const b = value as Record<string, unknown>;
  if (b.type !== 'state') return { ok: false, error: 'Block is invalid' };
  const account = decodeAccount(b.account);
  const representative = decodeAccount(b.representative);
  if (account === null) return { ok: false, error: ErrorMessage.badAccountNumber };
  if (representative === null) return { ok: false, error: 'Bad representative number' };
  if (!isHash(b.previous)) return { ok: false, error: 'Bad previous' };
  if (!isRaw(b.balance)) return { ok: false, error: 'Bad balance' };
  let link: string;
  if (isHash(b.link)) link = b.link.toUpperCase();
  else {
    const asAccount = decodeAccount(b.link ?? b.link_as_account);
    if (asAccount === null) return { ok: false, error: 'Bad link' };
    link = Buffer.from(asAccount).toString('hex').toUpperCase();
  }
  if (typeof b.signature !== 'string' || !HEX128.test(b.signature)) return { ok: false, error: 'Bad signature' };
  if (typeof b.work !== 'string' || !HEX16.test(b.work)) return { ok: false, error: 'Bad work' };
  const block: StateBlock = {
    type: 'state',
    account: encodeAccount(account),
    previous: b.previous.toUpperCase(),
    representative: encodeAccount(representative),
    balance: BigInt(b.balance).toString(),
    link,
    link_as_account: encodeAccount(hexBytes(link)),
    signature: b.signature.toUpperCase(),
    work: b.work.toLowerCase(),
  };
  return { ok: true, block, hash: stateBlockHash(block) };
}

/** A state block in the shape events carry (nanoapi.fbs BlockState): its fields, hash and subtype, no `type`. */
export function toBlockStateJson(block: StateBlock, hash: string, subtype: BlockStateJson['subtype']): BlockStateJson {
  const { type: _type, ...fields } = block;
  return { hash, ...fields, subtype };
}
