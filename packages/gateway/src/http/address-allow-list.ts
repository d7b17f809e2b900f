import { isIP } from 'node:net';

/**
 * An allow list of client addresses: exact IPv4/IPv6 addresses or CIDR blocks.
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`, what a dual-stack socket reports) is
 * matched as the IPv4 address it carries.
 */
export interface AddressAllowList {
  allows(address: string | undefined): boolean;
}

interface Block {
  family: 4 | 6;
  bits: bigint;
  prefix: number;
}

/** Parses one entry; null when it is not an address or CIDR block. */
export function parseAddressBlock(entry: string): Block | null {
  const slash = entry.indexOf('/');
  const host = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(host);
  if (family !== 4 && family !== 6) return null;
  const width = family === 4 ? 32 : 128;
  let prefix = width;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text)) return null;
    prefix = Number(text);
    if (prefix > width) return null;
  }
  const bits = family === 4 ? ipv4Bits(host) : ipv6Bits(host);
  if (bits === null) return null;
  return { family, bits: maskBits(bits, prefix, width), prefix };
}

/** Builds the list; invalid entries are reported by the config loader, here they are dropped (fail closed). */
export function createAddressAllowList(entries: readonly string[]): AddressAllowList {
  const blocks = entries.map(parseAddressBlock).filter((b): b is Block => b !== null);
  return {
    allows(address) {
      if (!address) return false;
      const normalized = unmapIPv4(address);
      const family = isIP(normalized);
      if (family !== 4 && family !== 6) return false;
      const bits = family === 4 ? ipv4Bits(normalized) : ipv6Bits(normalized);
      if (bits === null) return false;
      const width = family === 4 ? 32 : 128;
      return blocks.some((b) => b.family === family && maskBits(bits, b.prefix, width) === b.bits);
    },
  };
}

function unmapIPv4(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : address;
}

function maskBits(bits: bigint, prefix: number, width: number): bigint {
  if (prefix === 0) return 0n;
  const shift = BigInt(width - prefix);
  return (bits >> shift) << shift;
}

function ipv4Bits(address: string): bigint | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0 || n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function ipv6Bits(address: string): bigint | null {
  let text = address.split('%')[0];
  // A trailing dotted quad (::ffff:1.2.3.4 in a block) becomes two hextets.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = ipv4Bits(quad[1]);
    if (v4 === null) return null;
    text = `${text.slice(0, -quad[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const groups = [...head, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}
