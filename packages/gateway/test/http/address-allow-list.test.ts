import { createAddressAllowList, parseAddressBlock } from '../../src/http/address-allow-list';

describe('createAddressAllowList', () => {
  const loopback = createAddressAllowList(['127.0.0.0/8', '::1']);

  it('allows loopback in both families, IPv4-mapped IPv6 included', () => {
    expect(loopback.allows('127.0.0.1')).toBe(true);
    expect(loopback.allows('127.8.9.10')).toBe(true);
    expect(loopback.allows('::1')).toBe(true);
    expect(loopback.allows('::ffff:127.0.0.1')).toBe(true);
  });

  it('refuses other addresses and missing ones', () => {
    expect(loopback.allows('10.0.0.1')).toBe(false);
    expect(loopback.allows('::ffff:10.0.0.1')).toBe(false);
    expect(loopback.allows('fe80::1')).toBe(false);
    expect(loopback.allows(undefined)).toBe(false);
    expect(loopback.allows('not-an-address')).toBe(false);
  });

  it('matches CIDR blocks and exact addresses', () => {
    const list = createAddressAllowList(['10.1.0.0/16', '2001:db8::/32', '192.0.2.7']);
    expect(list.allows('10.1.200.3')).toBe(true);
    expect(list.allows('10.2.0.1')).toBe(false);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('2001:db9::5')).toBe(false);
    expect(list.allows('192.0.2.7')).toBe(true);
    expect(list.allows('192.0.2.8')).toBe(false);
  });

  it('allows nobody with an empty list', () => {
    expect(createAddressAllowList([]).allows('127.0.0.1')).toBe(false);
  });
});

describe('parseAddressBlock', () => {
  it('rejects what is not an address or a CIDR block', () => {
    expect(parseAddressBlock('localhost')).toBeNull();
    expect(parseAddressBlock('127.0.0.1/33')).toBeNull();
    expect(parseAddressBlock('::1/129')).toBeNull();
    expect(parseAddressBlock('10.0.0.0/x')).toBeNull();
    expect(parseAddressBlock('10.0.0.0/8')).not.toBeNull();
  });
});
