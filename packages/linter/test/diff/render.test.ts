import {
  describeUserAt,
  diffFormatters,
  diffTexts,
  renderDiffGithub,
  renderDiffJson,
  renderDiffMarkdown,
  renderDiffText,
  type PolicyDiff,
} from '@nano-access/linter';
import { toml } from '../helpers/lint';

const ALICE = 'alice-7Hq2vX9kLm4Rt8Wc';
const BOB = 'bob-3Jn6pY1sQz5Ud0Fe';
const CAROL = 'carol-8Kd4wB2hTx6Nm9Ga';

const before = toml(
  '[[role]]',
  'id = "reader"',
  'allow = "wallet_read"',
  '[[role]]',
  'id = "idle"',
  'allow = "api_stop"',
  '[[user]]',
  `id = "${ALICE}"`,
  'roles = "reader"',
  'bare = true',
  '[[user]]',
  `id = "${BOB}"`,
  'allow = "api_send"',
  'bare = true',
);
const after = toml(
  '[[role]]',
  'id = "reader"',
  'allow = "wallet_read, api_account_history"',
  '[[role]]',
  'id = "idle"',
  'allow = "node_control"',
  '[[user]]',
  `id = "${ALICE}"`,
  'roles = "reader"',
  'deny = "api_wallet_info"',
  'bare = true',
  '[[user]]',
  `id = "${CAROL}"`,
  'allow = "api_send"',
  'bare = true',
);

function diffOf(a: string, b: string): PolicyDiff {
  const result = diffTexts({ text: a, file: 'old.toml' }, { text: b, file: 'deploy/config-access.toml' });
  if (!result.diff) throw new Error('broken fixture');
  return result.diff;
}

const diff = diffOf(before, after);

describe('diff renderers', () => {
  it('never print an id whole, in any format', () => {
    for (const format of ['text', 'json', 'markdown', 'github'] as const) {
      const out = diffFormatters[format](diff);
      for (const id of [ALICE, BOB, CAROL])
        expect({ format, leaks: out.includes(id) }).toEqual({ format, leaks: false });
      expect(out).toContain(`…${ALICE.slice(-4)}`);
    }
  });

  it('text: a block per user with + and - rows, the no-effect roles, a summary', () => {
    const out = renderDiffText(diff);
    expect(out.split('\n').slice(0, 4)).toEqual([
      'old.toml -> deploy/config-access.toml',
      '',
      `${describeUserAt(0, ALICE, false)}: changed`,
      '  + api_account_history  granted by role reader',
    ]);
    expect(out).toContain('  - api_wallet_info      removed by deny api_wallet_info\n');
    expect(out).toContain(`${describeUserAt(1, CAROL, false)}: added\n  + api_send  granted by allow\n`);
    expect(out).toContain(`${describeUserAt(1, BOB, false)}: removed\n  - api_send  was: granted by allow\n`);
    expect(out).toContain('\nno effect on any user:\n  role idle: allow changed\n');
    expect(out.trimEnd().split('\n').pop()).toBe(
      '3 users (1 changed, 1 added, 1 removed): 2 permissions gained, 3 lost.',
    );
  });

  it('text: says so when no user changes', () => {
    expect(renderDiffText(diffOf(before, before))).toBe(
      'old.toml -> deploy/config-access.toml\n\nNo user gains or loses a permission.\n',
    );
  });

  it('json: the documented shape, permission lists sorted, nothing else', () => {
    const out = JSON.parse(renderDiffJson(diff));
    expect(Object.keys(out)).toEqual(['users', 'noEffect']);
    expect(out.users[0]).toEqual({
      user: describeUserAt(0, ALICE, false),
      status: 'changed',
      gained: [{ permission: 'api_account_history', because: 'granted by role reader' }],
      lost: [
        { permission: 'api_wallet_info', because: 'removed by deny api_wallet_info' },
        {
          permission: 'wallet_read',
          because: 'removed by deny api_wallet_info (this permission includes api_wallet_info, so it goes too)',
        },
      ],
    });
    expect(out.users.map((u: { status: string }) => u.status)).toEqual(['changed', 'removed', 'added']);
    expect(out.noEffect).toEqual(['role idle: allow changed']);
  });

  it('github: a notice per changed or added user on its [[user]] line in NEW; a removed one on line 1, naming its line in OLD (listed where it stood)', () => {
    const out = renderDiffGithub(diff, { file: 'deploy/config-access.toml' });
    const notices = out.split('\n').filter((line) => line.startsWith('::'));
    expect(notices).toEqual([
      `::notice file=deploy/config-access.toml,line=7,title=nano-access diff%3A ${describeUserAt(0, ALICE, false)} changed::${describeUserAt(0, ALICE, false)} changed:%0A+ api_account_history: granted by role reader%0A- api_wallet_info: removed by deny api_wallet_info%0A- wallet_read: removed by deny api_wallet_info (this permission includes api_wallet_info, so it goes too)`,
      `::notice file=deploy/config-access.toml,line=1,title=nano-access diff%3A ${describeUserAt(1, BOB, false)} removed::${describeUserAt(1, BOB, false)} removed (line 11 of old.toml):%0A- api_send: was: granted by allow`,
      `::notice file=deploy/config-access.toml,line=12,title=nano-access diff%3A ${describeUserAt(1, CAROL, false)} added::${describeUserAt(1, CAROL, false)} added:%0A+ api_send: granted by allow`,
    ]);
    // Then the text report, for the log.
    expect(out.endsWith(renderDiffText(diff))).toBe(true);
  });

  it('markdown: a table per user, code spans for everything from a file, the no-effect roles', () => {
    const out = renderDiffMarkdown(diff);
    expect(out).toContain(
      '### nano-access diff\n\n`old.toml` → `deploy/config-access.toml`: 3 users (1 changed, 1 added, 1 removed): 2 permissions gained, 3 lost.\n',
    );
    expect(out).toContain(
      `\n\`${describeUserAt(0, ALICE, false)}\`: changed (+1 −2)\n\n| | permission | because |\n|---|---|---|\n| + | \`api_account_history\` | \`granted by role reader\` |\n`,
    );
    expect(out).toContain('\n**No effect on any user:** `role idle: allow changed`\n');
  });

  it('markdown: folds a long table into <details>', () => {
    const wide = diffOf(
      toml('[[user]]', `id = "${ALICE}"`, 'bare = true'),
      toml('[[user]]', `id = "${ALICE}"`, 'allow = "wallet"', 'bare = true'),
    );
    const out = renderDiffMarkdown(wide);
    const rows = wide.users[0].gained.length;
    expect(rows).toBeGreaterThan(8);
    expect(out).toContain(
      `<details><summary><code>${describeUserAt(0, ALICE, false)}</code>: changed (+${rows})</summary>\n\n| | permission | because |\n`,
    );
    expect(out.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('markdown: a role name cannot break out of its code span or the table, nor ping anyone', () => {
    const name = 'a`b|@team<img src=x>';
    const a = toml(
      '[[role]]',
      `id = "${name}"`,
      'allow = "wallet_read"',
      '[[user]]',
      `id = "${ALICE}"`,
      `roles = "${name}"`,
      'bare = true',
    );
    const b = toml(
      '[[role]]',
      `id = "${name}"`,
      'allow = "wallet_read, api_stop"',
      '[[user]]',
      `id = "${ALICE}"`,
      `roles = "${name}"`,
      'bare = true',
    );
    const out = renderDiffMarkdown(diffOf(a, b));
    expect(out).toContain('| + | `api_stop` | ``granted by role a`b\\|@team<img src=x>`` |');
  });

  it('markdown: stays under the length a pull-request comment holds, and counts who was left out', () => {
    const users = (extra: string): string =>
      Array.from({ length: 400 }, (_, i) =>
        toml(
          '[[user]]',
          `id = "user-${String(i).padStart(4, '0')}-7Hq2vX9kLm4Rt8Wc"`,
          `allow = "${extra}"`,
          'bare = true',
        ),
      ).join('\n');
    const big = diffOf(users('api_stop'), users('wallet'));
    const out = renderDiffMarkdown(big, { maxLength: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(
      /_\d+ more users \(\d+ gained, \d+ lost\) left out to fit a comment: see `nano-access diff` in the job's log._/,
    );
    expect(renderDiffMarkdown(big).length).toBeLessThanOrEqual(60_000);
  });

  it('escapes control characters from a file in text, markdown and github', () => {
    const name = 'evil\u001b]0;x\u0007\u001b[2J\nFORGED';
    const escaped = JSON.stringify(name).slice(1, -1);
    const a = toml(
      '[[role]]',
      `id = "${escaped}"`,
      'allow = "wallet_read"',
      '[[user]]',
      `id = "${ALICE}"`,
      `roles = "${escaped}"`,
      'bare = true',
    );
    const b = toml(
      '[[role]]',
      `id = "${escaped}"`,
      'allow = "api_stop"',
      '[[user]]',
      `id = "${ALICE}"`,
      `roles = "${escaped}"`,
      'bare = true',
    );
    const d = diffOf(a, b);
    for (const out of [renderDiffText(d), renderDiffMarkdown(d), renderDiffGithub(d, { file: 'x.toml' })]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(out).not.toContain('\nFORGED');
      expect(out).toContain('\\u001b');
    }
  });
});
