import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicy } from '@nano-access/resolver';
import {
  accessTestFormatters,
  accessTestResultOf,
  accessTestSchema,
  parseAccessTest,
  runAccessTest,
  type AccessTestResult,
  type PolicyUnderTest,
} from '@nano-access/linter';
import { toml } from '../helpers/lint';

const OPS = 'ops-node-query-3a9d7f21-6e0b-4c58-b1f4-d8e2a5c06b97';
const READER = 'wallet-reader-5f0c9d2e-8b7a-4e61-a3d4-92c1e7b0f6a8';
const TWIN = 'other-reader-11112222333344445555-92c1e7b0f6a8';

const policyText = toml(
  '[[user]]',
  'allow = "node_query"',
  '[[role]]',
  'id = "reader"',
  'allow = "wallet_read"',
  '[[user]]',
  `id = "${OPS}"`,
  'deny = "api_peers"',
  '[[user]]',
  `id = "${READER}"`,
  'roles = "reader"',
  'bare = true',
);

function target(text = policyText): PolicyUnderTest {
  const { policy, model } = loadPolicy(text, { file: 'config-access.toml' });
  return { file: 'config-access.toml', policy: policy!, model: model! };
}

function run(testText: string, env: Record<string, string> = {}, policy: PolicyUnderTest = target()): AccessTestResult {
  const parsed = parseAccessTest(testText, { file: 't.access-test.toml' });
  if (!parsed.test) return accessTestResultOf('t.access-test.toml', 'test', parsed.diagnostics);
  return runAccessTest(parsed.test, policy, env);
}

const at = (result: AccessTestResult) =>
  result.messages.map((m) => ({
    ruleId: m.ruleId,
    kind: m.kind,
    line: m.span.start.line,
    column: m.span.start.column,
  }));

describe('parseAccessTest', () => {
  it('reads aliases by suffix and by environment variable, and expectations with their places', () => {
    const parsed = parseAccessTest(
      toml(
        'policy = "config-access.toml"',
        '[users]',
        'ops = "…6b97"',
        'admin = { env = "NANO_ADMIN_KEY" }',
        'reader = "...f6a8"',
        '[[expect]]',
        'user = "ops"',
        'allow = ["node_query", "api_version"]',
        'deny = "api_peers, wallet_read"',
      ),
      { file: 't.toml' },
    );
    expect(parsed.diagnostics).toEqual([]);
    const test = parsed.test!;
    expect(test.policy?.name).toBe('config-access.toml');
    expect(test.aliases.map((a) => [a.name, a.source])).toEqual([
      ['ops', { kind: 'suffix', suffix: '6b97' }],
      ['admin', { kind: 'env', variable: 'NANO_ADMIN_KEY' }],
      ['reader', { kind: 'suffix', suffix: 'f6a8' }],
    ]);
    const [expectation] = test.expectations;
    expect(expectation.allow.map((n) => [n.name, n.span.start.line, n.span.start.column])).toEqual([
      ['node_query', 8, 10],
      ['api_version', 8, 24],
    ]);
    // A comma string gives each of its names the string's place.
    expect(expectation.deny.map((n) => [n.name, n.span.start.line, n.span.start.column])).toEqual([
      ['api_peers', 9, 8],
      ['wallet_read', 9, 8],
    ]);
  });

  it.each([
    ['an alias that is not a suffix (a whole id pasted in)', toml('[users]', `ops = "${OPS}"`), 'alias-form', 2, 7],
    ['a bad environment variable name', toml('[users]', 'ops = { env = "1-X" }'), 'alias-form', 2, 15],
    ['an alias called "default"', toml('[users]', 'default = "…6b97"'), 'alias-reserved', 2, 1],
    [
      'an expectation about an undefined user, with a suggestion',
      toml('[users]', 'ops = "…6b97"', '[[expect]]', 'user = "opz"', 'allow = "node_query"'),
      'unknown-alias',
      4,
      8,
    ],
    ['an expectation that checks nothing', toml('[[expect]]', 'user = "default"'), 'empty-expectation', 1, 1],
    [
      'a misspelt key, with a suggestion',
      toml('[[expect]]', 'user = "default"', 'alow = "node_query"'),
      'unknown-key',
      3,
      1,
    ],
    ['a key of the wrong type', toml('[[expect]]', 'user = 3', 'allow = "node_query"'), 'invalid-type', 2, 8],
    ['not TOML', 'policy = \n', 'toml-syntax', 1, 10],
  ])('refuses %s, at its place', (_, text, ruleId, line, column) => {
    const parsed = parseAccessTest(text, { file: 't.toml' });
    expect(parsed.test).toBeNull();
    expect(
      parsed.diagnostics.map((d) => ({ ruleId: d.ruleId, line: d.span.start.line, column: d.span.start.column })),
    ).toContainEqual({ ruleId, line, column });
  });

  it('suggests the nearest alias', () => {
    const parsed = parseAccessTest(
      toml('[users]', 'ops = "…6b97"', '[[expect]]', 'user = "opz"', 'allow = "node_query"'),
      { file: 't.toml' },
    );
    expect(parsed.diagnostics[0].message).toBe('No user is called "opz": define it under [users]. Did you mean "ops"?');
  });

  it('is published unchanged as docs/access-test.schema.json', () => {
    const published = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'access-test.schema.json'), 'utf8');
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'access-test', 'access-test.schema.json'), 'utf8');
    expect(published).toBe(source);
    expect(JSON.parse(published)).toEqual(accessTestSchema);
  });
});

describe('runAccessTest', () => {
  it('passes expectations that hold, counting one check per permission and one per effective set', () => {
    const result = run(
      toml(
        '[users]',
        'ops = "…6b97"',
        'reader = "…f6a8"',
        '[[expect]]',
        'user = "ops"',
        'allow = ["api_version", "api_uptime"]',
        'deny = "api_peers"',
        '[[expect]]',
        'user = "reader"',
        'effective = ["wallet_read", "api_account_list", "api_password_valid", "api_wallet_balance_total", "api_wallet_balances", "api_wallet_contains", "api_wallet_export", "api_wallet_frontiers", "api_wallet_history", "api_wallet_info", "api_wallet_key_valid", "api_wallet_ledger", "api_wallet_locked", "api_wallet_pending", "api_wallet_receivable", "api_wallet_representative", "api_wallet_work_get", "api_work_get"]',
        '[[expect]]',
        'user = "default"',
        'deny = "wallet_read"',
      ),
    );
    expect(result).toMatchObject({
      passCount: 5,
      failCount: 0,
      errorCount: 0,
      messages: [],
      policyPath: 'config-access.toml',
      fileKind: 'test',
    });
  });

  it('reports a failed allow at the permission, with the derivation of the actual decision', () => {
    const result = run(
      toml(
        '[users]',
        'ops = "…6b97"',
        '[[expect]]',
        'user = "ops"',
        'description = "ops watches peers"',
        'allow = ["api_version", "api_peers"]',
      ),
    );
    expect(result).toMatchObject({ passCount: 1, failCount: 1, errorCount: 0 });
    expect(result.messages).toEqual([
      expect.objectContaining({
        ruleId: 'expect-allow',
        kind: 'failure',
        message: 'ops (user #2 (…6b97)) should be allowed api_peers, but is denied (ops watches peers)',
        span: expect.objectContaining({ start: { line: 6, column: 25, offset: expect.any(Number) } }),
        derivation: ['granted by inherited from the default user', 'removed by deny api_peers'],
      }),
    ]);
  });

  it('reports a failed deny with what grants it', () => {
    const result = run(
      toml('[users]', 'reader = "…f6a8"', '[[expect]]', 'user = "reader"', 'deny = "api_wallet_info"'),
    );
    expect(result.messages.map((m) => [m.ruleId, m.message, m.derivation])).toEqual([
      [
        'expect-deny',
        'reader (user #3 (…f6a8)) should be denied api_wallet_info, but is allowed',
        ['granted by implied by wallet_read (role reader)'],
      ],
    ]);
  });

  it('reports an effective set that differs: what is missing and what is extra, each explained', () => {
    const result = run(toml('[[expect]]', 'user = "default"', 'effective = ["node_query", "wallet_read"]'));
    expect(result.failCount).toBe(1);
    const [message] = result.messages;
    expect(message.ruleId).toBe('expect-effective');
    expect(message.message).toMatch(
      /^the default user should have exactly the 2 listed permissions: missing wallet_read; also has api_account_weight, api_active_difficulty, /,
    );
    expect(message.derivation[0]).toBe('wallet_read: granted by nothing');
    expect(message.derivation).toContain('api_version: granted by implied by node_query (allow)');
    expect([message.span.start.line, message.span.start.column]).toEqual([3, 13]);
  });

  it('reports an unknown permission as an error with a suggestion, not as a failure', () => {
    const result = run(toml('[[expect]]', 'user = "default"', 'allow = ["node_qeury"]'));
    expect(at(result)).toEqual([{ ruleId: 'unknown-permission', kind: 'error', line: 3, column: 10 }]);
    expect(result.messages[0].message).toBe(
      'Unknown permission "node_qeury": it is not in the nano catalog. Did you mean "node_query"?',
    );
    expect(result).toMatchObject({ passCount: 0, failCount: 0, errorCount: 1 });
  });

  it('refuses a suffix that matches no user, or several, at the alias', () => {
    const twins = toml(policyText, '[[user]]', `id = "${TWIN}"`);
    const result = run(
      toml('[users]', 'nobody = "…zzzz"', 'reader = "…f6a8"', '[[expect]]', 'user = "reader"', 'allow = "wallet_read"'),
      {},
      target(twins),
    );
    expect(at(result)).toEqual([
      { ruleId: 'alias-unmatched', kind: 'error', line: 2, column: 10 },
      { ruleId: 'alias-ambiguous', kind: 'error', line: 3, column: 10 },
    ]);
    expect(result.messages[1].message).toBe(
      'Alias "reader": 2 users\' ids end in "f6a8" (user #3 (…f6a8), user #4 (…f6a8)); write more of the end.',
    );
    expect(result.passCount).toBe(0);
  });

  it('refuses a suffix that gives away more than half of the id', () => {
    const result = run(
      toml('[users]', `ops = "…${OPS.slice(-30)}"`, '[[expect]]', 'user = "ops"', 'allow = "node_query"'),
    );
    expect(at(result)).toEqual([{ ruleId: 'alias-form', kind: 'error', line: 2, column: 7 }]);
    expect(result.messages[0].message).not.toContain(OPS.slice(-30));
  });

  it('takes the full id from the environment; an unset variable or an id no user has is an error', () => {
    const test = toml('[users]', 'ops = { env = "NANO_OPS_KEY" }', '[[expect]]', 'user = "ops"', 'deny = "api_peers"');
    expect(run(test, { NANO_OPS_KEY: OPS })).toMatchObject({ passCount: 1, errorCount: 0 });
    const unset = run(test, {});
    expect(unset.messages.map((m) => [m.ruleId, m.message])).toEqual([
      ['alias-env-unset', 'Alias "ops": the environment variable NANO_OPS_KEY is not set.'],
    ]);
    const unknown = run(test, { NANO_OPS_KEY: 'revoked-key-00000000000000' });
    expect(unknown.messages.map((m) => m.ruleId)).toEqual(['alias-unmatched']);
    expect(unknown.messages[0].message).not.toContain('revoked-key');
  });

  it("reports a policy that could not be used at the test file's policy key", () => {
    const result = run(
      toml('# about', 'policy = "missing.toml"', '[[expect]]', 'user = "default"', 'allow = "node_query"'),
      {},
      { file: 'missing.toml', problem: 'cannot read missing.toml: ENOENT' },
    );
    expect(at(result)).toEqual([{ ruleId: 'policy-invalid', kind: 'error', line: 2, column: 10 }]);
  });
});

describe('test report formatters', () => {
  const failing = (): AccessTestResult[] => [
    run(toml('[users]', 'ops = "…6b97"', '[[expect]]', 'user = "ops"', 'allow = ["api_version", "api_peers"]')),
  ];

  it('stylish: the failure at line:col with its derivation under it, and a summary; a green run says what it checked', () => {
    const out = accessTestFormatters.stylish(failing(), { cwd: '/' });
    expect(out).toBe(
      [
        '',
        't.access-test.toml',
        '  5:25  fail   ops (user #2 (…6b97)) should be allowed api_peers, but is denied  expect-allow',
        '               granted by inherited from the default user',
        '               removed by deny api_peers',
        '',
        '✖ 1 of 2 checks failed (1 test file)',
        '',
      ].join('\n'),
    );
    const green = run(toml('[[expect]]', 'user = "default"', 'allow = "node_query"'));
    expect(accessTestFormatters.stylish([green], { cwd: '/' })).toBe('✔ 1 check passed (1 test file)\n');
  });

  it('compact: one line per message, file:line:col first', () => {
    expect(accessTestFormatters.compact(failing(), { cwd: '/' })).toBe(
      't.access-test.toml:5:25: fail: ops (user #2 (…6b97)) should be allowed api_peers, but is denied [expect-allow] (granted by inherited from the default user; removed by deny api_peers)\n',
    );
  });

  it("json: lint's shape, with the counts and each derivation", () => {
    const [entry] = JSON.parse(accessTestFormatters.json(failing(), { cwd: '/' }));
    expect(entry).toMatchObject({
      filePath: 't.access-test.toml',
      fileKind: 'test',
      policyPath: 'config-access.toml',
      passCount: 1,
      failCount: 1,
      errorCount: 0,
    });
    expect(entry.messages[0]).toEqual({
      ruleId: 'expect-allow',
      kind: 'failure',
      severity: 'error',
      message: 'ops (user #2 (…6b97)) should be allowed api_peers, but is denied',
      line: 5,
      column: 25,
      endLine: 5,
      endColumn: 36,
      derivation: ['granted by inherited from the default user', 'removed by deny api_peers'],
    });
  });

  it('github: an error annotation per message with the derivation, then the stylish report', () => {
    const out = accessTestFormatters.github(failing(), { cwd: '/repo', repoRoot: '/' });
    expect(out.split('\n')[0]).toBe(
      '::error file=repo/t.access-test.toml,line=5,col=25,endLine=5,endColumn=36,title=nano-access test expect-allow::ops (user #2 (…6b97)) should be allowed api_peers, but is denied%0Agranted by inherited from the default user%0Aremoved by deny api_peers',
    );
    expect(out).toContain('✖ 1 of 2 checks failed (1 test file)');
  });

  it('escapes control characters taken from a test file', () => {
    const result = run(toml('[[expect]]', 'user = "default"', 'allow = "node\\u001b[2J_query"'));
    for (const format of ['stylish', 'compact', 'github'] as const) {
      const out = accessTestFormatters[format]([result], { cwd: '/' });
      expect(out).not.toContain('\u001b[2J');
      expect(out).toContain('\\u001b[2J');
    }
  });
});
