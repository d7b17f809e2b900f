import { AddressSet } from '../../src/http/address-set';
import { ClientAddresses, clientFromForwardedFor } from '../../src/http/client-address';

describe('clientFromForwardedFor (trust_proxy)', () => {
  const trusted = AddressSet.fromEntries(['10.0.0.0/24', '2001:db8:ffff::/48']);

  it('takes the first untrusted hop from the right when the peer is a trusted proxy', () => {
    expect(clientFromForwardedFor('10.0.0.5', '198.51.100.7', trusted)).toBe('198.51.100.7');
    expect(clientFromForwardedFor('10.0.0.5', '6.6.6.6, 198.51.100.7, 10.0.0.9', trusted)).toBe('198.51.100.7');
    expect(clientFromForwardedFor('::ffff:10.0.0.5', '198.51.100.7,10.0.0.3', trusted)).toBe('198.51.100.7');
    expect(clientFromForwardedFor('2001:db8:ffff::1', ' 2001:DB8:0::7 ', trusted)).toBe('2001:db8::7');
    expect(clientFromForwardedFor('10.0.0.5', '::ffff:192.0.2.1', trusted)).toBe('192.0.2.1');
  });

  it('is the leftmost hop when every hop is a trusted proxy', () => {
    expect(clientFromForwardedFor('10.0.0.5', '10.0.0.7, 10.0.0.8', trusted)).toBe('10.0.0.7');
  });

  it('ignores the header of a peer that is not trusted', () => {
    expect(clientFromForwardedFor('192.0.2.50', '10.0.0.1', trusted)).toBe('192.0.2.50');
    expect(clientFromForwardedFor('10.0.1.5', '127.0.0.1', trusted)).toBe('10.0.1.5');
  });

  it('keeps the peer when the header cannot be read where it is walked (fail closed)', () => {
    for (const header of [
      '',
      ' ',
      'unknown',
      '198.51.100.7,',
      '198.51.100.7, , 10.0.0.9',
      '1.2.3.4:5678',
      '[::1]',
      'fe80::1%eth0',
      '127.1',
    ]) {
      expect([header, clientFromForwardedFor('10.0.0.5', header, trusted)]).toEqual([header, '10.0.0.5']);
    }
    // Garbage left of the first untrusted hop is the client's own business: it was never walked.
    expect(clientFromForwardedFor('10.0.0.5', 'garbage, 198.51.100.7', trusted)).toBe('198.51.100.7');
  });
});

describe('ClientAddresses', () => {
  const request = (peer: string, headers: string[] = []) =>
    ({ socket: { remoteAddress: peer }, rawHeaders: headers }) as unknown as Parameters<ClientAddresses['of']>[0];

  it('lets deny win over allow, and admits everyone not denied when allow is empty', () => {
    const both = new ClientAddresses({ allow: ['10.0.0.0/8'], deny: ['10.6.0.0/16'], trustProxy: [] });
    expect(both.admits('10.1.2.3')).toBe(true);
    expect(both.admits('10.6.2.3')).toBe(false);
    expect(both.admits('192.0.2.1')).toBe(false);
    const denyOnly = new ClientAddresses({ allow: [], deny: ['2001:db8::/32'], trustProxy: [] });
    expect(denyOnly.admits('192.0.2.1')).toBe(true);
    expect(denyOnly.admits('2001:db8::1')).toBe(false);
    expect(denyOnly.admits('::ffff:192.0.2.1')).toBe(true);
  });

  it('refuses an address it cannot read once a list is set, and filters nothing without lists', () => {
    const listed = new ClientAddresses({ allow: [], deny: ['192.0.2.0/24'], trustProxy: [] });
    expect(listed.admits(undefined)).toBe(false);
    expect(listed.admits('nonsense')).toBe(false);
    const open = new ClientAddresses({ allow: [], deny: [], trustProxy: [] });
    expect(open.filtering).toBe(false);
    expect(open.admits(undefined)).toBe(true);
  });

  it('reads every X-Forwarded-For header as one list, and only from a trusted peer', () => {
    const addresses = new ClientAddresses({ allow: [], deny: [], trustProxy: ['127.0.0.1'] });
    const headers = ['X-Forwarded-For', '203.0.113.9', 'Host', 'x', 'x-forwarded-for', '198.51.100.1'];
    expect(addresses.of(request('127.0.0.1', headers))).toBe('198.51.100.1');
    expect(addresses.of(request('::ffff:127.0.0.1', headers))).toBe('198.51.100.1');
    expect(addresses.of(request('127.0.0.2', headers))).toBe('127.0.0.2');
    expect(addresses.of(request('::ffff:127.0.0.2', headers))).toBe('127.0.0.2');
    expect(addresses.of(request('127.0.0.1', headers))).toBe('198.51.100.1'); // trusted again after an untrusted peer
    expect(addresses.of(request('127.0.0.1', []))).toBe('127.0.0.1');
  });
});
