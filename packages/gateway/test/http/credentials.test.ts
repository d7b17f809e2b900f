import { mergeCredentials, REFUSED_CREDENTIALS } from '@nano-access/protocol';
import { authorizationId, requestCredentials } from '../../src/http/credentials';
import type { GatewayHeaders } from '../../src/http/request-headers';

const basic = (text: string): string => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
const headers = (over: Partial<GatewayHeaders>): GatewayHeaders => ({
  contentLength: undefined,
  apiKeys: undefined,
  authorizations: undefined,
  correlationId: undefined,
  ...over,
});
/** What the one merge rule makes of what the reader found. */
const caller = (over: Partial<GatewayHeaders>, pathId?: string) =>
  mergeCredentials(requestCredentials(headers(over), pathId));

describe('authorizationId', () => {
  it('reads Bearer <id>, any case of the scheme', () => {
    expect(authorizationId('Bearer k-1')).toBe('k-1');
    expect(authorizationId('bearer  k-1 ')).toBe('k-1');
    expect(authorizationId('BEARER\tk-1')).toBe('k-1');
  });

  it('reads Basic with the id as the password and ignores the user name (NanoRPCProxy clients)', () => {
    expect(authorizationId(basic('anyone:k-1'))).toBe('k-1');
    expect(authorizationId(basic(':k-1'))).toBe('k-1');
    expect(authorizationId(basic('user:pass:with:colons'))).toBe('pass:with:colons');
    expect(authorizationId(basic('user:'))).toBe('');
    expect(authorizationId(basic('ключ:é-id'))).toBe('é-id');
  });

  it('reads nothing from another scheme or a malformed value', () => {
    for (const value of [
      'Digest x',
      'Bearer',
      'Bearer   ',
      'Basic',
      'Basic !!!!',
      'Basic a',
      basic('no-colon'),
      'Basic /w==',
      'k-1',
      '',
    ]) {
      expect([value, authorizationId(value)]).toEqual([value, undefined]);
    }
  });
});

describe('requestCredentials with mergeCredentials: every source, one rule', () => {
  it('is the default user without any source', () => {
    expect(requestCredentials(headers({}))).toBeUndefined();
    expect(caller({})).toBeUndefined();
  });

  it('takes the id from whichever single source the client can set', () => {
    expect(caller({ apiKeys: ['k-1'] })).toBe('k-1');
    expect(caller({ authorizations: ['Bearer k-1'] })).toBe('k-1');
    expect(caller({ authorizations: [basic('u:k-1')] })).toBe('k-1');
    expect(caller({}, 'k-1')).toBe('k-1');
    expect(caller({}, 'k%2F1%20x')).toBe('k/1 x');
  });

  it('accepts several sources that name the same id', () => {
    expect(caller({ apiKeys: ['k-1', 'k-1'], authorizations: ['Bearer k-1', basic('u:k-1')] }, 'k-1')).toBe('k-1');
  });

  it('refuses two sources that disagree, in any combination', () => {
    expect(caller({ apiKeys: ['k-1', 'k-2'] })).toBe(REFUSED_CREDENTIALS);
    expect(caller({ apiKeys: ['k-1'], authorizations: ['Bearer k-2'] })).toBe(REFUSED_CREDENTIALS);
    expect(caller({ authorizations: ['Bearer k-1', basic('u:k-2')] })).toBe(REFUSED_CREDENTIALS);
    expect(caller({ apiKeys: ['k-1'] }, 'k-2')).toBe(REFUSED_CREDENTIALS);
    expect(caller({ authorizations: [basic('k-1:k-2')] }, 'k-1')).toBe(REFUSED_CREDENTIALS);
  });

  it('refuses a request whose Authorization or path id cannot be read, rather than run it as the default user', () => {
    expect(caller({ authorizations: ['Digest abc'] })).toBe(REFUSED_CREDENTIALS);
    expect(caller({ apiKeys: ['k-1'], authorizations: ['Basic !!'] })).toBe(REFUSED_CREDENTIALS);
    expect(caller({}, '%E0%A4%A')).toBe(REFUSED_CREDENTIALS);
  });

  it('reads an empty id as presenting nothing (the default user), as an absent one', () => {
    expect(caller({ apiKeys: [''] })).toBeUndefined();
    expect(caller({ apiKeys: [''], authorizations: [basic('u:')] })).toBeUndefined();
    expect(caller({ apiKeys: [''] }, 'k-1')).toBe('k-1');
  });
});
