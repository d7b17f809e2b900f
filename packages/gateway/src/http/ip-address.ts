/**
 * IP addresses as integers: IPv4 as one unsigned 32-bit number, IPv6 as four. Parsed by hand,
 * without BigInt or regular expressions, because the client address lists parse one address
 * per request. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, what a dual-stack socket reports for an IPv4
 * peer) is read as the IPv4 address it carries, everywhere.
 */
export type IpAddress = { readonly family: 4; readonly v4: number } | { readonly family: 6; readonly words: Words };

/** An IPv6 address as four big-endian 32-bit words. */
export type Words = readonly [number, number, number, number];

/** An address block: the address with every bit past `prefix` cleared. */
export interface CidrBlock {
  readonly address: IpAddress;
  readonly prefix: number;
}

/**
 * Parses an IPv4 or IPv6 literal (a zone, `%eth0`, is ignored); null when it is not one.
 * IPv4 octets are 0–255 in decimal without leading zeros (`010` would be octal to some parsers).
 */
export function parseIp(text: string): IpAddress | null {
  if (text.length === 0 || text.length > 64) return null;
  if (text.indexOf(':') === -1) {
    const v4 = parseIpv4(text, 0, text.length);
    return v4 === -1 ? null : { family: 4, v4 };
  }
  const zone = text.indexOf('%');
  const words = parseIpv6(text, zone === -1 ? text.length : zone);
  if (words === null) return null;
  // ::ffff:0:0/96 is IPv4, whichever way it was written.
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { family: 4, v4: words[3] };
  return { family: 6, words };
}

/** Parses `address` or `address/prefix`; null when it is neither. The address's host bits are cleared. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const host = slash === -1 ? text : text.slice(0, slash);
  if (host.indexOf('%') !== -1) return null;
  const address = parseIp(host);
  if (address === null) return null;
  // A mapped IPv6 block (::ffff:10.0.0.0/104) is the IPv4 block it covers.
  const mapped = address.family === 4 && host.indexOf(':') !== -1;
  const width = address.family === 4 && !mapped ? 32 : 128;
  let prefix = width;
  if (slash !== -1) {
    const digits = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(digits)) return null;
    prefix = Number(digits);
    if (prefix > width) return null;
  }
  if (mapped) {
    // Below /96 a mapped block reaches outside ::ffff:0:0/96, into IPv6 proper: not a mapped block.
    if (prefix < 96) return null;
    prefix -= 96;
  }
  return { address: maskIp(address, prefix), prefix };
}

/** The address with every bit past `prefix` cleared. */
export function maskIp(address: IpAddress, prefix: number): IpAddress {
  if (address.family === 4) return { family: 4, v4: maskV4(address.v4, prefix) };
  const w = address.words;
  return {
    family: 6,
    words: [
      maskWord(w[0], prefix),
      maskWord(w[1], prefix - 32),
      maskWord(w[2], prefix - 64),
      maskWord(w[3], prefix - 96),
    ],
  };
}

/** The top `prefix` bits of an IPv4 address (0 ≤ prefix ≤ 32). */
export function maskV4(v4: number, prefix: number): number {
  return maskWord(v4, prefix);
}

/** The top `bits` bits of a 32-bit word (bits ≤ 0: none, ≥ 32: all). */
export function maskWord(word: number, bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return word;
  return (word & (0xffffffff << (32 - bits))) >>> 0;
}

/** The canonical text of an address: dotted quad, or RFC 5952's compressed lowercase IPv6. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) return formatIpv4(address.v4);
  const groups: number[] = [];
  for (const word of address.words) groups.push(word >>> 16, word & 0xffff);
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

function formatIpv4(v4: number): string {
  return `${v4 >>> 24}.${(v4 >>> 16) & 0xff}.${(v4 >>> 8) & 0xff}.${v4 & 0xff}`;
}

/** text[from, to) as a dotted quad: its value as an unsigned 32-bit number, or -1. */
function parseIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
      continue;
    }
    if (c < 48 || c > 57) return -1;
    if (digits > 0 && octet === 0) return -1; // a leading zero
    octet = octet * 10 + (c - 48);
    if (octet > 255) return -1;
    digits++;
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/** text[0, to) as IPv6 (with an optional trailing dotted quad): four words, or null. */
function parseIpv6(text: string, to: number): [number, number, number, number] | null {
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  if (to >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
    if (to === 2) return [0, 0, 0, 0];
  } else if (text.charCodeAt(0) === 58) {
    return null;
  }
  while (i < to) {
    // One group: up to four hex digits, or a dotted quad at the end.
    let value = 0;
    let digits = 0;
    const start = i;
    while (i < to && digits <= 4) {
      const h = hexValue(text.charCodeAt(i));
      if (h === -1) break;
      value = value * 16 + h;
      digits++;
      i++;
    }
    if (i < to && text.charCodeAt(i) === 46 /* . */) {
      if (groups.length > 6) return null;
      const v4 = parseIpv4(text, start, to);
      if (v4 === -1) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      i = to;
      break;
    }
    if (digits === 0 || digits > 4) return null;
    groups.push(value);
    if (groups.length > 8) return null;
    if (i === to) break;
    if (text.charCodeAt(i) !== 58 /* : */) return null;
    i++;
    if (i < to && text.charCodeAt(i) === 58) {
      if (gap !== -1) return null;
      gap = groups.length;
      i++;
      if (i === to) break;
    } else if (i === to) {
      return null; // a trailing single colon
    }
  }
  if (gap === -1) {
    if (groups.length !== 8) return null;
  } else {
    if (groups.length > 7) return null;
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  return [
    (groups[0] * 0x10000 + groups[1]) >>> 0,
    (groups[2] * 0x10000 + groups[3]) >>> 0,
    (groups[4] * 0x10000 + groups[5]) >>> 0,
    (groups[6] * 0x10000 + groups[7]) >>> 0,
  ];
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
