import { addressBucketKey, NO_ADDRESS_KEY } from '../../src/rate-limit/client-address';

describe('addressBucketKey', () => {
  it('keys an IPv4 address by itself', () => {
    expect(addressBucketKey('127.0.0.2')).toBe('127.0.0.2');
  });

  it('keys an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressBucketKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressBucketKey('::FFFF:10.1.2.3')).toBe('10.1.2.3');
  });

  it('keys IPv6 addresses by their /64', () => {
    const key = addressBucketKey('2001:db8:0:1::5');
    expect(key).toBe('2001:db8:0:1::/64');
    expect(addressBucketKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressBucketKey('2001:db8:0:1:0:0:0:1%eth0')).toBe(key);
    expect(addressBucketKey('2001:db8:0:2::5')).not.toBe(key);
    expect(addressBucketKey('::1')).toBe('0:0:0:0::/64');
    expect(addressBucketKey('2001:db8::1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(addressBucketKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('keys requests without an address (a unix socket) together', () => {
    expect(addressBucketKey(undefined)).toBe(NO_ADDRESS_KEY);
    expect(addressBucketKey('')).toBe(NO_ADDRESS_KEY);
  });

  it('keeps text that is not an IPv6 address as it is rather than merging it with others', () => {
    expect(addressBucketKey('1:2:3')).toBe('1:2:3');
    expect(addressBucketKey('1::2::3')).toBe('1::2::3');
  });
});
