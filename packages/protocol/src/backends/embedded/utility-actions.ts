import { blake2b } from '../../crypto/blake2b';
import { deterministicPrivateKey, publicKeyOf, randomPrivateKey } from '../../crypto/ed25519-blake2b';
import { encodeAccount } from '../../crypto/nano-address';
import { LegacyError } from '../../errors';
import { type NodeAction, publicKeyHex } from './ledger-actions';
import { type NodeCall, NodeError, NodeRequestError, decodeHex256, decodeHex64 } from './node-request';
import { MAX_RAW, parseStateBlock } from './state-block';

/** 10^30 raw: one nano. */
const NANO_RATIO = 10n ** 30n;
const UINT64 = 1n << 64n;
const INDEX_PREFIX = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/;

/** Proof-of-work thresholds per network: [default (epoch 2, send/change), epoch 2 receive] (the node's work_thresholds). */
const WORK_THRESHOLDS: Readonly<Record<string, readonly [bigint, bigint]>> = {
  live: [0xfffffff800000000n, 0xfffffe0000000000n],
  test: [0xfffffff800000000n, 0xfffffe0000000000n],
  beta: [0xfffff00000000000n, 0xffffe00000000000n],
  dev: [0xffc0000000000000n, 0xf000000000000000n],
};

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

function keyPair(call: NodeCall, privateKey: Uint8Array): void {
  const publicKey = publicKeyOf(privateKey);
  call.out.private = hex(privateKey);
  call.out.public = hex(publicKey);
  call.out.account = encodeAccount(publicKey);
}

/** The utility group: key derivation, unit conversion, hashing and validation, as the node answers them. */
export function utilityActions(network: string): Record<string, NodeAction> {
  const [defaultThreshold, receiveThreshold] = WORK_THRESHOLDS[network] ?? WORK_THRESHOLDS.live;
  return {
    account_get(call) {
      const key = decodeHex256(call.text('key'));
      if (key === null) throw new NodeRequestError(NodeError.badPublicKey);
      call.out.account = encodeAccount(Buffer.from(key, 'hex'));
    },
    account_key(call) {
      call.out.key = publicKeyHex(call.account());
    },
    block_hash(call) {
      call.out.hash = blockHash(call);
    },
    deterministic_key(call) {
      const seed = decodeHex256(call.text('seed'));
      const indexText = call.text('index');
      if (seed === null) throw new NodeRequestError(NodeError.badSeed);
      keyPair(call, deterministicPrivateKey(Buffer.from(seed, 'hex'), nodeIndex(indexText)));
    },
    key_create(call) {
      keyPair(call, randomPrivateKey());
    },
    key_expand(call) {
      const key = decodeHex256(call.text('key'));
      if (key === null) throw new NodeRequestError(NodeError.badPrivateKey);
      keyPair(call, Buffer.from(key, 'hex'));
    },
    nano_to_raw(call) {
      const amount = call.amount();
      // Past 128 bits is "Amount too big"; so is 0, as the node's check (product > amount) has it. The
      // node's product wraps round 2^128 and lets some overflows through; none gets through here.
      const raw = amount * NANO_RATIO;
      if (raw > MAX_RAW || raw <= amount) throw new NodeRequestError(NodeError.amountTooBig);
      call.out.amount = raw.toString();
    },
    raw_to_nano(call) {
      call.out.amount = (call.amount() / NANO_RATIO).toString();
    },
    validate_account_number(call) {
      let valid = true;
      const text = call.text('account');
      try {
        call.account(text);
      } catch (error) {
        if (!(error instanceof NodeRequestError)) throw error;
        valid = false;
      }
      call.out.valid = valid ? '1' : '0';
    },
    work_validate(call) {
      const root = call.hash();
      const workText = call.optionalText('work');
      const work = workText === undefined ? 0n : decodeHex64(workText);
      if (work === null) throw new NodeRequestError(NodeError.badWork);
      const version = call.optionalText('version');
      if (version !== undefined && version !== 'work_1') throw new NodeRequestError(NodeError.badWorkVersion);
      let difficulty = defaultThreshold;
      const difficultyText = call.optionalText('difficulty');
      if (difficultyText !== undefined) {
        const given = decodeHex64(difficultyText);
        if (given === null) throw new NodeRequestError(NodeError.badDifficulty);
        difficulty = given;
      }
      const multiplierText = call.optionalText('multiplier');
      if (multiplierText !== undefined) {
        const multiplier = Number(multiplierText);
        if (multiplierText.trim() === '' || !Number.isFinite(multiplier) || multiplier <= 0)
          throw new NodeRequestError(NodeError.badMultiplier);
        difficulty = fromMultiplier(multiplier, defaultThreshold);
      }
      const result = workDifficulty(work, root);
      if (call.has('difficulty')) call.out.valid = result >= difficulty ? '1' : '0';
      call.out.valid_all = result >= defaultThreshold ? '1' : '0';
      call.out.valid_receive = result >= receiveThreshold ? '1' : '0';
      call.out.difficulty = result.toString(16).padStart(16, '0');
      call.out.multiplier = toMultiplier(result, defaultThreshold).toFixed(15);
    },
  };
}

/**
 * deterministic_key's index as the node reads it (std::stoul, then 32 bits): leading digits, any
 * text after them ignored, a negative number wrapped; no digits, or more than 64 bits, is "Invalid index".
 */
function nodeIndex(text: string): number {
  const match = INDEX_PREFIX.exec(text);
  if (match === null) throw new NodeRequestError(NodeError.invalidIndex);
  let value = BigInt(match[2]);
  if (value >= UINT64) throw new NodeRequestError(NodeError.invalidIndex);
  if (match[1] === '-') value = (UINT64 - value) % UINT64;
  return Number(value & 0xffffffffn);
}

/** block_hash's block: a JSON object with json_block, else a JSON string; only state blocks. Any failure is "Block is invalid". */
function blockHash(call: NodeCall): string {
  let block: unknown;
  if (call.flag('json_block')) {
    if (!call.has('block')) throw new NodeRequestError(LegacyError.unableToParse);
    block = call.request.block;
    if (typeof block !== 'object' || block === null) throw new NodeRequestError(NodeError.blockInvalid);
  } else {
    block = call.text('block');
  }
  const parsed = parseStateBlock(block);
  if (!parsed.ok) throw new NodeRequestError(NodeError.blockInvalid);
  return parsed.hash;
}

/** The difficulty of a work value for a root: BLAKE2b-64 of the work (little-endian) and the root, read little-endian. */
export function workDifficulty(work: bigint, rootHex: string): bigint {
  const input = new Uint8Array(40);
  const view = new DataView(input.buffer);
  view.setBigUint64(0, work, true);
  input.set(Buffer.from(rootHex, 'hex'), 8);
  return new DataView(blake2b(input, 8).buffer).getBigUint64(0, true);
}

/** How many times harder than `base` a difficulty is (the node's to_multiplier). */
function toMultiplier(difficulty: bigint, base: bigint): number {
  return Number(UINT64 - base) / Number(UINT64 - difficulty);
}

/** The difficulty `multiplier` times harder than `base` (the node's from_multiplier). */
function fromMultiplier(multiplier: number, base: bigint): bigint {
  const reverse = BigInt(Math.floor(Number(UINT64 - base) / multiplier));
  if (reverse >= UINT64) return 0n;
  return reverse === 0n ? UINT64 - 1n : UINT64 - reverse;
}
