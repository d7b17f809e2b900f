import { mergeCorrelationId, mergeCredentials, REFUSED_CREDENTIALS } from '../src/credentials';

describe('mergeCredentials', () => {
  it("takes the envelope's credentials, the transport's, or both when they are the same", () => {
    expect(mergeCredentials(undefined, 'k-1')).toBe('k-1');
    expect(mergeCredentials('k-1', undefined)).toBe('k-1');
    expect(mergeCredentials('k-1', 'k-1')).toBe('k-1');
    expect(mergeCredentials({ ids: ['k-1', 'k-1'] }, 'k-1')).toBe('k-1');
  });

  it('refuses a transport id and an envelope id that differ, never picking one', () => {
    expect(mergeCredentials('k-1', 'k-2')).toBe(REFUSED_CREDENTIALS);
    expect(mergeCredentials({ ids: ['k-1'] }, 'k-2')).toBe(REFUSED_CREDENTIALS);
    expect(mergeCredentials({ ids: ['k-1', 'k-2'] })).toBe(REFUSED_CREDENTIALS);
  });

  it('refuses an unreadable transport source whatever the envelope says', () => {
    expect(mergeCredentials({ ids: [], unreadable: true })).toBe(REFUSED_CREDENTIALS);
    expect(mergeCredentials({ ids: ['k-1'], unreadable: true }, 'k-1')).toBe(REFUSED_CREDENTIALS);
  });

  it('is the default user when nothing (or only "") is presented', () => {
    expect(mergeCredentials(undefined)).toBeUndefined();
    expect(mergeCredentials(null, undefined)).toBeUndefined();
    expect(mergeCredentials('', '')).toBeUndefined();
    expect(mergeCredentials({ ids: [''] }, 'k-1')).toBe('k-1');
    expect(mergeCredentials('', 'k-1')).toBe('k-1');
  });

  it('leaves an envelope field that is not a string to the schema (it presents nothing here)', () => {
    expect(mergeCredentials('k-1', 5)).toBe('k-1');
  });
});

describe('mergeCorrelationId', () => {
  it("takes the envelope's usable correlation id, else the transport's", () => {
    expect(mergeCorrelationId({ correlation_id: 'e' }, 't')).toBe('e');
    expect(mergeCorrelationId({}, 't')).toBe('t');
    expect(mergeCorrelationId({ correlation_id: 7 }, 't')).toBe('t');
    expect(mergeCorrelationId({ correlation_id: 'x'.repeat(1025) }, undefined)).toBeUndefined();
    expect(mergeCorrelationId('not an object', 't')).toBe('t');
  });
});
