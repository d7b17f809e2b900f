import { maskV4, maskWord, parseCidr, parseIp, type CidrBlock, type IpAddress } from './ip-address';

/**
 * A set of address blocks (CIDR), asked "does a block hold this address?" once per request.
 *
 * The blocks are kept per prefix length, as hash sets of the masked address: an IPv4 block as
 * its masked 32-bit number, an IPv6 block as its masked words in one string key. A lookup masks
 * the address once per distinct prefix length present (at most 33 for IPv4, 129 for IPv6) and
 * asks one set each, so its cost depends on how many lengths the list uses, not on how many
 * blocks it holds: ten thousand /32s and /24s are two lookups. (The list it replaced compared
 * BigInts block by block.)
 */
export class AddressSet {
  /** Distinct IPv4 prefix lengths, longest first, and the masked addresses of each. */
  private readonly v4Prefixes: number[] = [];
  private readonly v4Sets: Set<number>[] = [];
  private readonly v6Prefixes: number[] = [];
  private readonly v6Sets: Set<string>[] = [];
  /** Blocks held (duplicates counted once). */
  readonly size: number;

  constructor(blocks: Iterable<CidrBlock>) {
    const v4 = new Map<number, Set<number>>();
    const v6 = new Map<number, Set<string>>();
    for (const { address, prefix } of blocks) {
      if (address.family === 4) {
        let set = v4.get(prefix);
        if (set === undefined) v4.set(prefix, (set = new Set()));
        set.add(address.v4);
      } else {
        let set = v6.get(prefix);
        if (set === undefined) v6.set(prefix, (set = new Set()));
        set.add(v6Key(address.words, prefix));
      }
    }
    let size = 0;
    for (const prefix of [...v4.keys()].sort((a, b) => b - a)) {
      this.v4Prefixes.push(prefix);
      this.v4Sets.push(v4.get(prefix)!);
      size += v4.get(prefix)!.size;
    }
    for (const prefix of [...v6.keys()].sort((a, b) => b - a)) {
      this.v6Prefixes.push(prefix);
      this.v6Sets.push(v6.get(prefix)!);
      size += v6.get(prefix)!.size;
    }
    this.size = size;
  }

  /**
   * Builds the set from config entries (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`). The config
   * loader reports an entry that is not an address or a block, with its line and column; here it
   * is dropped, so a list never holds more than was written.
   */
  static fromEntries(entries: readonly string[]): AddressSet {
    const blocks: CidrBlock[] = [];
    for (const entry of entries) {
      const block = parseCidr(entry);
      if (block !== null) blocks.push(block);
    }
    return new AddressSet(blocks);
  }

  /** True when a block of the set holds the address. */
  has(address: IpAddress): boolean {
    if (address.family === 4) {
      const v4 = address.v4;
      const prefixes = this.v4Prefixes;
      for (let i = 0; i < prefixes.length; i++) if (this.v4Sets[i].has(maskV4(v4, prefixes[i]))) return true;
      return false;
    }
    const prefixes = this.v6Prefixes;
    for (let i = 0; i < prefixes.length; i++) if (this.v6Sets[i].has(v6Key(address.words, prefixes[i]))) return true;
    return false;
  }

  /** has() of an address given as text; false when the text is not an address. */
  hasText(text: string | undefined): boolean {
    if (text === undefined) return false;
    const address = parseIp(text);
    return address !== null && this.has(address);
  }
}

/** The hash key of an IPv6 address masked to `prefix` bits: only the words the prefix reaches. */
function v6Key(words: readonly number[], prefix: number): string {
  if (prefix <= 32) return `${maskWord(words[0], prefix)}`;
  if (prefix <= 64) return `${words[0]}:${maskWord(words[1], prefix - 32)}`;
  if (prefix <= 96) return `${words[0]}:${words[1]}:${maskWord(words[2], prefix - 64)}`;
  return `${words[0]}:${words[1]}:${words[2]}:${maskWord(words[3], prefix - 96)}`;
}
