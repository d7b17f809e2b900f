import { correlationIdFromHeader } from '../../src/http/correlation-id';

describe('correlationIdFromHeader', () => {
  it('returns ASCII values unchanged, quotes and backslashes included', () => {
    expect(correlationIdFromHeader('a"b\\c')).toBe('a"b\\c');
  });

  it('re-decodes UTF-8 bytes that node handed over as latin1', () => {
    const sent = Buffer.from('id-日本-é', 'utf8').toString('latin1');
    expect(correlationIdFromHeader(sent)).toBe('id-日本-é');
  });

  it('keeps a latin1 value that is not valid UTF-8', () => {
    expect(correlationIdFromHeader('caf\u00e9')).toBe('caf\u00e9');
  });

  it('is undefined when the header is absent', () => {
    expect(correlationIdFromHeader(undefined)).toBeUndefined();
  });
});
