import fc from 'fast-check';
import type { DecisionRecord } from '@nano-access/protocol';
import { millisecondsJson, rpcLineJson, type Outcome } from '../src/rpc-line';

/** Any UTF-16 text: control characters, quotes, backslashes, lone and paired surrogates included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 24,
});
/** A line in ASCII: printable characters and DEL, nothing JSON would have to escape left raw. */
const ASCII = /^[\x20-\x7f]*$/;
/** Mostly what the gateway writes, sometimes anything. */
const text = (...usual: string[]): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...usual), anyText);
const maybe = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(value, { nil: undefined });

/** The fields as request-handler.ts's finish() built them before rpcLineJson, for lineWriter's JSON.stringify. */
function oldFields(
  outcome: Outcome,
  seconds: number,
  client: string | undefined,
  remoteAddress: string | undefined,
  decision: DecisionRecord | undefined,
): Record<string, unknown> {
  return {
    api: outcome.api,
    call: outcome.name,
    outcome: outcome.outcome,
    status: outcome.status,
    ms: Math.round(seconds * 1e6) / 1e3,
    remote: client,
    ...(client === remoteAddress ? undefined : { peer: remoteAddress }),
    ...decision,
  };
}

/** The old line's fields as JSON text: its object's members, each after a comma. */
const oldJson = (fields: Record<string, unknown>): string => {
  const body = JSON.stringify(fields);
  return body.length > 2 ? `,${body.slice(1, -1)}` : '';
};

/** A decision record filled in the dispatcher's order (recordDecision: caller, permission, then reason and deny). */
const decisionRecord = fc
  .record({
    caller: maybe(
      text('the default user', 'user #3 (…bc57)', 'unknown credentials (…9f1c)', 'conflicting credentials'),
    ),
    permission: maybe(text('api_account_weight', 'api_stop')),
    reason: maybe(text('no grant', "denied by the user's deny", 'rate limited')),
    deny: maybe(text('wallet', 'api_account_balance')),
  })
  .map((fields) => {
    const record: DecisionRecord = {};
    if (fields.caller !== undefined) record.caller = fields.caller;
    if (fields.permission !== undefined) record.permission = fields.permission;
    if (fields.reason !== undefined) record.reason = fields.reason;
    if (fields.deny !== undefined) record.deny = fields.deny;
    return record;
  });

describe('rpcLineJson', () => {
  it("is ASCII, reads back as the line's fields, and is byte for byte what JSON.stringify made of them whenever that is ASCII (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          api: fc.constantFrom('v2' as const, 'legacy' as const, 'http' as const),
          name: text('AccountWeight', 'account_balance', '_unknown', 'GET'),
          outcome: text('ok', 'denied', 'unsafe', 'too_large'),
          status: fc.oneof(fc.constantFrom(200, 403, 413, 499, 500), fc.integer(), fc.double()),
        }),
        fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.double()),
        maybe(text('127.0.0.1', '10.0.4.7', '2001:db8::7')),
        maybe(text('127.0.0.1', '::1')),
        maybe(decisionRecord),
        (outcome, seconds, client, remoteAddress, decision) => {
          const peer = client === remoteAddress ? undefined : remoteAddress;
          const line = rpcLineJson(outcome, seconds, client, peer, decision);
          const old = oldJson(oldFields(outcome, seconds, client, remoteAddress, decision));
          expect(line).toMatch(ASCII);
          expect(JSON.parse(`{${line.slice(1)}}`)).toEqual(JSON.parse(`{${old.slice(1)}}`));
          if (ASCII.test(old)) expect(line).toBe(old);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("writes the documented line for a denial with its deny (the caller's ellipsis as \\u2026)", () => {
    const line = `{${rpcLineJson(
      { api: 'legacy', name: 'account_balance', outcome: 'denied', status: 200 },
      0.00021,
      '10.0.4.7',
      undefined,
      {
        caller: 'user #3 (…bc57)',
        permission: 'api_account_balance',
        reason: "denied by the user's deny",
        deny: 'api_account_balance',
      },
    ).slice(1)}}`;
    expect(line).toBe(
      `{"api":"legacy","call":"account_balance","outcome":"denied","status":200,"ms":0.21,"remote":"10.0.4.7","caller":"user #3 (\\u2026bc57)","permission":"api_account_balance","reason":"denied by the user's deny","deny":"api_account_balance"}`,
    );
    expect(JSON.parse(line).caller).toBe('user #3 (…bc57)');
  });
});

describe('millisecondsJson', () => {
  const old = (seconds: number): string => JSON.stringify(Math.round(seconds * 1e6) / 1e3);

  it('writes what JSON.stringify wrote for every whole number of microseconds up to 3 s, and around 10^15', () => {
    for (let micros = 0; micros <= 3_000_000; micros++) {
      const seconds = micros / 1e6;
      if (millisecondsJson(seconds) !== old(seconds)) expect(millisecondsJson(seconds)).toBe(old(seconds));
    }
    for (const micros of [999_999_999_999_999, 1e15, 1e15 + 1, 2 ** 53, 123_456_789_012_345]) {
      expect(millisecondsJson(micros / 1e6)).toBe(old(micros / 1e6));
    }
  });

  it('writes what JSON.stringify wrote for any duration, negative, huge and not finite included (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double(),
          fc.double({ min: 0, max: 1e9, noNaN: true }),
          fc.integer({ min: 0, max: 1e15 }).map((micros) => micros / 1e6),
        ),
        (seconds) => {
          expect(millisecondsJson(seconds)).toBe(old(seconds));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
