import { isIP } from 'node:net';
import fc from 'fast-check';
import { AddressSet } from '../../src/http/address-set';
import { formatIp, parseCidr, parseIp } from '../../src/http/ip-address';

/**
 * The brute-force reference: every block scanned with BigInt, addresses read by node:net's isIP
 * (what the list replaced). The hash-set lookup must agree with it on every address.
 */
function referenceBits(text: string): { family: 4 | 6; bits: bigint } | null {
  const host = text.split('%')[0];
  const family = isIP(host);
  if (family === 4) {
    return { family: 4, bits: host.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n) };
  }
  if (family !== 6) return null;
  let body = host;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (quad) {
    const v4 = quad[1].split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
    body = `${body.slice(0, -quad[1].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const bits = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  // ::ffff:0:0/96 is IPv4.
  if (bits >> 32n === 0xffffn) return { family: 4, bits: bits & 0xffffffffn };
  return { family: 6, bits };
}

function referenceHas(
  blocks: ReadonlyArray<{ text: string; family: 4 | 6; bits: bigint; prefix: number }>,
  address: string,
): boolean {
  const parsed = referenceBits(address);
  if (parsed === null) return false;
  const width = parsed.family === 4 ? 32 : 128;
  return blocks.some((b) => {
    if (b.family !== parsed.family) return false;
    const shift = BigInt(width - b.prefix);
    return parsed.bits >> shift === b.bits >> shift;
  });
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
/** IPv4 addresses clustered in a few /16s, so that random blocks and addresses meet often. */
const nearIpv4 = fc
  .tuple(fc.constantFrom('10.1', '10.2', '192.0', '127.0'), fc.nat(3), fc.nat(255))
  .map(([net, c, d]) => `${net}.${c}.${d}`);
const ipv6 = fc
  .array(fc.oneof(fc.constant(0), fc.nat(0xffff), fc.constantFrom(0x2001, 0xdb8, 0xffff)), {
    minLength: 8,
    maxLength: 8,
  })
  .map((groups) => groups.map((g) => g.toString(16)).join(':'));
const mapped = ipv4.map((a) => `::ffff:${a}`);
const anyAddress = fc.oneof(
  ipv4,
  nearIpv4,
  ipv6,
  mapped,
  ipv6.map((a) => formatIp(parseIp(a)!)),
);
const block = fc.oneof(
  fc.tuple(fc.oneof(ipv4, nearIpv4), fc.nat(32)).map(([a, p]) => `${a}/${p}`),
  // An IPv6 text inside ::ffff:0:0/96 below /96 is refused by parseCidr (tested below), not a block.
  fc
    .tuple(ipv6, fc.nat(128))
    .filter(([a, p]) => p >= 96 || referenceBits(a)?.family !== 4)
    .map(([a, p]) => `${a}/${p}`),
  fc.tuple(ipv4, fc.integer({ min: 96, max: 128 })).map(([a, p]) => `::ffff:${a}/${p}`),
  anyAddress,
);

describe('AddressSet', () => {
  it('refuses a mapped block below /96, which reaches outside ::ffff:0:0/96', () => {
    expect(parseCidr('0:0:0:0:0:ffff:0:0/0')).toBeNull();
    expect(parseCidr('::ffff:10.0.0.0/95')).toBeNull();
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual(parseCidr('10.0.0.0/8'));
  });

  it('agrees with a brute-force BigInt scan on random blocks and addresses', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 40 }),
        fc.array(anyAddress, { minLength: 1, maxLength: 30 }),
        (entries, addresses) => {
          const reference = entries.map((text) => {
            const cidr = parseCidr(text)!;
            expect(cidr).not.toBeNull();
            const slash = text.indexOf('/');
            const bits = referenceBits(slash === -1 ? text : text.slice(0, slash))!;
            const declared = slash === -1 ? (text.includes(':') ? 128 : 32) : Number(text.slice(slash + 1));
            // A mapped block's prefix counts the 96 bits of ::ffff:0:0/96.
            const prefix = bits.family === 4 && text.includes(':') ? declared - 96 : declared;
            return { text, family: bits.family, bits: bits.bits, prefix };
          });
          const set = AddressSet.fromEntries(entries);
          for (const address of [...addresses, ...entries.map((e) => e.split('/')[0])]) {
            expect([address, set.hasText(address)]).toEqual([address, referenceHas(reference, address)]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads addresses as node:net does (random IPv6 text, compressed or not)', () => {
    fc.assert(
      fc.property(fc.oneof(anyAddress, fc.string({ maxLength: 20 })), (text) => {
        const ours = parseIp(text);
        const theirs = referenceBits(text);
        if (theirs === null) return expect(ours).toBeNull();
        expect(ours).not.toBeNull();
        expect(ours!.family).toBe(theirs.family);
        const bits =
          ours!.family === 4 ? BigInt(ours!.v4) : ours!.words.reduce((acc, w) => (acc << 32n) | BigInt(w), 0n);
        expect(bits).toBe(theirs.bits);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches loopback in both families, IPv4-mapped IPv6 included', () => {
    const loopback = AddressSet.fromEntries(['127.0.0.0/8', '::1']);
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:ffff:7f00:1']) {
      expect([address, loopback.hasText(address)]).toEqual([address, true]);
    }
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', 'not-an-address', '', '127.0.0.01']) {
      expect([address, loopback.hasText(address)]).toEqual([address, false]);
    }
    expect(loopback.hasText(undefined)).toBe(false);
  });

  it('matches CIDR blocks and exact addresses; an empty set holds nothing', () => {
    const list = AddressSet.fromEntries(['10.1.0.0/16', '2001:db8::/32', '192.0.2.7', '::ffff:198.51.100.0/120']);
    expect(list.hasText('10.1.200.3')).toBe(true);
    expect(list.hasText('10.2.0.1')).toBe(false);
    expect(list.hasText('2001:db8:1::5')).toBe(true);
    expect(list.hasText('2001:db9::5')).toBe(false);
    expect(list.hasText('192.0.2.7')).toBe(true);
    expect(list.hasText('192.0.2.8')).toBe(false);
    expect(list.hasText('198.51.100.77')).toBe(true);
    expect(list.hasText('198.51.101.77')).toBe(false);
    expect(AddressSet.fromEntries([]).hasText('127.0.0.1')).toBe(false);
    expect(AddressSet.fromEntries(['0.0.0.0/0']).hasText('203.0.113.9')).toBe(true);
    expect(AddressSet.fromEntries(['::/0']).hasText('203.0.113.9')).toBe(false);
  });

  it('keeps a lookup to one probe per distinct prefix length, however many blocks', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
    const set = AddressSet.fromEntries([...entries, '2001:db8::/48']);
    expect(set.size).toBe(20_001);
    expect((set as unknown as { v4Prefixes: number[] }).v4Prefixes).toEqual([24]);
    expect(set.hasText('10.3.7.99')).toBe(true);
    expect(set.hasText('11.3.7.99')).toBe(false);
  });
});

describe('parseCidr', () => {
  it('rejects what is not an address or a CIDR block', () => {
    for (const text of [
      'localhost',
      '127.0.0.1/33',
      '::1/129',
      '10.0.0.0/x',
      '10.0.0.0/08',
      '10.0.0.0/',
      '10.0.0/8',
      '::ffff:10.0.0.0/64',
      'fe80::1%eth0',
      '1::2::3',
    ]) {
      expect([text, parseCidr(text)]).toEqual([text, null]);
    }
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: { family: 4, v4: 0x0a000000 }, prefix: 8 });
    expect(parseCidr('10.9.9.9/8')).toEqual({ address: { family: 4, v4: 0x0a000000 }, prefix: 8 });
  });
});

describe('formatIp', () => {
  it('writes the RFC 5952 form', () => {
    expect(formatIp(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIp(parseIp('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
    expect(formatIp(parseIp('::')!)).toBe('::');
    expect(formatIp(parseIp('::ffff:192.0.2.1')!)).toBe('192.0.2.1');
  });
});
