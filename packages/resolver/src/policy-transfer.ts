import { compiledCatalogOf } from './catalog/compiled-catalog';
import { CompiledPolicy, policyTables } from './compiled-policy';
import { PolicyError, ResolverErrorCode } from './errors';
import type { Catalog, Policy } from './types';
import { shardCountFor, shardOf, ShardedSlots } from './credential-shards';
import type { CompactInts, SlotUserIndex } from './policy-tables';

/** User ids per chunk of a transfer: one chunk is what the receiving thread adds between two turns of its event loop. */
export const TRANSFER_ID_CHUNK = 4096;

/**
 * A compiled policy as flat parts that cross threads cheaply (worker_threads' postMessage): its
 * tables as typed arrays, and its user ids, in slot order, as JSON arrays of TRANSFER_ID_CHUNK ids
 * each, UTF-8 encoded one after the other in one byte array. Every array has a buffer of its own,
 * so the whole transfer is moved, not copied (strings in a message are copied and deserialised
 * on the receiving thread at once: ~70 ms for 200,000 ids on our machine). Parsing a chunk yields
 * flat strings that share nothing with the sender's source text. The credentials Map is rebuilt
 * from the chunks on the receiving side (PolicyAssembler), a chunk at a time.
 */
export interface PolicyTransfer {
  catalogName: string;
  /** Permissions in the catalog it was compiled against: the receiver's must match. */
  permissionCount: number;
  /** The chunks of ids: JSON arrays, UTF-8, chunk c is idBytes[idChunkEnds[c - 1] (0 for c = 0), idChunkEnds[c]). */
  idBytes: Uint8Array;
  idChunkEnds: Int32Array;
  slotCount: number;
  slotBase: Int32Array;
  slotProfile: CompactInts;
  /** The slot → user index array, or the shift that gives it (SlotUserIndex). */
  slotUserIndex: SlotUserIndex;
  defaultSlot: number;
  sets: Uint32Array;
  profileStart: Int32Array;
  profilePool: CompactInts;
  roleNames: string[];
  roleAllow: Int32Array[];
  roleClosure: Uint32Array;
  userCount: number;
}

/** The parts of a policy compiled by this package (`compile`, `loadPolicy`), ready to post to another thread. */
export function exportPolicy(policy: Policy): PolicyTransfer {
  if (!(policy instanceof CompiledPolicy))
    throw new PolicyError(
      ResolverErrorCode.policyTransferInvalid,
      'exportPolicy() needs a policy compiled by compile()',
    );
  const tables = policyTables(policy as CompiledPolicy<string>);
  const ids = [...tables.slots.keys()];
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const idChunkEnds = new Int32Array(Math.ceil(ids.length / TRANSFER_ID_CHUNK));
  let length = 0;
  for (let start = 0, c = 0; start < ids.length; start += TRANSFER_ID_CHUNK, c++) {
    // JSON.stringify escapes lone surrogates, so the UTF-8 round trip is exact for every id.
    const chunk = encoder.encode(JSON.stringify(ids.slice(start, start + TRANSFER_ID_CHUNK)));
    chunks.push(chunk);
    length += chunk.length;
    idChunkEnds[c] = length;
  }
  const idBytes = new Uint8Array(length);
  for (let c = 0, at = 0; c < chunks.length; at = idChunkEnds[c], c++) idBytes.set(chunks[c], at);
  return {
    catalogName: tables.compiledCatalog.catalog.name,
    permissionCount: tables.compiledCatalog.names.length,
    idBytes,
    idChunkEnds,
    slotCount: ids.length,
    slotBase: tables.slotBase.slice(),
    slotProfile: tables.slotProfile.slice(),
    slotUserIndex: typeof tables.slotUserIndex === 'number' ? tables.slotUserIndex : tables.slotUserIndex.slice(),
    defaultSlot: tables.defaultSlot,
    sets: tables.sets.slice(),
    profileStart: tables.profileStart.slice(),
    profilePool: tables.profilePool.slice(),
    roleNames: [...tables.roleNames],
    roleAllow: tables.roleAllow.map((allow) => allow.slice()),
    roleClosure: tables.roleClosure.slice(),
    userCount: tables.userCount,
  };
}

/** The buffers of a transfer, for postMessage's transfer list (each array has a buffer of its own). */
export function transferBuffers(transfer: PolicyTransfer): ArrayBuffer[] {
  const arrays = [
    transfer.idBytes,
    transfer.idChunkEnds,
    transfer.slotBase,
    transfer.slotProfile,
    ...(typeof transfer.slotUserIndex === 'number' ? [] : [transfer.slotUserIndex]),
    transfer.sets,
    transfer.profileStart,
    transfer.profilePool,
    transfer.roleClosure,
    ...transfer.roleAllow,
  ];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/** How a PolicyAssembler rebuilds the credentials. */
export interface AssemblerOptions {
  /**
   * Policies of more than this many ids keep their credentials in shards (credential-shards.ts);
   * SHARD_ABOVE unless given. Tests set it low to get a sharded policy from a small file.
   */
  shardAbove?: number;
  /** The ids a shard aims at (IDS_PER_SHARD unless given): how many shards a sharded policy gets. For tests. */
  idsPerShard?: number;
}

/**
 * The entries a turn of addChunk() may move in tables' doublings before it ends (2^14, ~4 ms of
 * CPU). V8 grows a full table on the insert that overflows it (at 2^n ids, to 2^n + 1), moving
 * the 2^n ids into a new table of twice the size. The shards' ids spread evenly, so all shards
 * double within a chunk or two of each other, together moving as many ids as one Map would: the
 * turn ends once they have moved this many, and the rest of the chunk waits for the next turn.
 */
const MOVED_PER_TURN = 1 << 14;

/** The ids a `set` that left a Map of `size` moved by doubling its table (0: it did not). */
function movedBySet(size: number): number {
  return size > 2 && ((size - 1) & (size - 2)) === 0 ? size - 1 : 0;
}

/**
 * Rebuilds a policy from a transfer, a chunk of ids per addChunk() call, so the thread that
 * serves can keep answering between chunks; finish() gives the policy once every chunk is in.
 * Nothing is shared with the old policy, and nothing is visible before finish().
 *
 * Above `shardAbove` ids the credentials go into shards, whose doublings come at about the same
 * moment for every shard; a turn ends once doublings have moved MOVED_PER_TURN ids, so no turn
 * moves much more than that or one shard's table. At or below it they go into one Map, as
 * compile() makes them (whose doublings then end a turn the same way).
 */
export class PolicyAssembler {
  /** Credentials → slot: one Map, or 2^k by shardOf() (credential-shards.ts). */
  private readonly shards: Map<string, number>[];
  private readonly decoder = new TextDecoder();
  /** The next chunk to decode. */
  private next = 0;
  /** The ids of the chunk being added (next - 1), and the position of the first not yet added. */
  private ids: string[] = [];
  private at = 0;

  constructor(
    private readonly transfer: PolicyTransfer,
    private readonly catalog: Catalog,
    options: AssemblerOptions = {},
  ) {
    const cc = compiledCatalogOf(catalog);
    if (cc.catalog.name !== transfer.catalogName || cc.names.length !== transfer.permissionCount)
      throw new PolicyError(
        ResolverErrorCode.policyTransferInvalid,
        `the policy was compiled against catalog "${transfer.catalogName}" (${transfer.permissionCount} permissions), not "${cc.catalog.name}" (${cc.names.length})`,
      );
    const count = shardCountFor(transfer.slotCount, options.shardAbove, options.idsPerShard);
    this.shards = Array.from({ length: count }, () => new Map<string, number>());
  }

  /**
   * Adds the next chunk of ids, or the rest of the current one when tables' doublings ended the
   * last call early (MOVED_PER_TURN); true when none is left.
   */
  addChunk(): boolean {
    const { idBytes, idChunkEnds } = this.transfer;
    if (this.at >= this.ids.length) {
      const c = this.next;
      if (c >= idChunkEnds.length) return true;
      const chunk = idBytes.subarray(c === 0 ? 0 : idChunkEnds[c - 1], idChunkEnds[c]);
      this.ids = JSON.parse(this.decoder.decode(chunk)) as string[];
      this.at = 0;
      this.next++;
    }
    const ids = this.ids;
    const shards = this.shards;
    const mask = shards.length - 1;
    let i = this.at;
    let slot = (this.next - 1) * TRANSFER_ID_CHUNK + i;
    let moved = 0;
    while (i < ids.length) {
      const id = ids[i++];
      const shard = mask === 0 ? shards[0] : shards[shardOf(id, mask)];
      shard.set(id, slot++);
      moved += movedBySet(shard.size);
      if (moved >= MOVED_PER_TURN) break;
    }
    this.at = i;
    if (i < ids.length) return false;
    this.ids = []; // the chunk's array is garbage from here, not at the next chunk
    this.at = 0;
    return this.next >= idChunkEnds.length;
  }

  /** The policy, once addChunk() has returned true. */
  finish(): CompiledPolicy<string> {
    const t = this.transfer;
    const slots = this.shards.length === 1 ? this.shards[0] : new ShardedSlots(this.shards);
    if (this.next < t.idChunkEnds.length || this.ids.length > 0 || slots.size !== t.slotCount)
      throw new PolicyError(
        ResolverErrorCode.policyTransferInvalid,
        'the transfer is incomplete or holds repeated ids',
      );
    return new CompiledPolicy({
      compiledCatalog: compiledCatalogOf(this.catalog),
      slots,
      slotBase: t.slotBase,
      slotProfile: t.slotProfile,
      slotUserIndex: t.slotUserIndex,
      defaultSlot: t.defaultSlot,
      sets: t.sets,
      profileStart: t.profileStart,
      profilePool: t.profilePool,
      roleNames: t.roleNames,
      roleAllow: t.roleAllow,
      roleClosure: t.roleClosure,
      userCount: t.userCount,
    });
  }
}
