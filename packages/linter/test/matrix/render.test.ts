import {
  matrixFromText,
  renderMatrixCsv,
  renderMatrixHtml,
  renderMatrixJson,
  renderMatrixText,
  type AccessMatrix,
} from '@nano-access/linter';
import { STRONG_A, toml } from '../helpers/lint';

const matrix = matrixFromText(
  toml('[[user]]', 'allow = "wallet_read"', '[[user]]', `id = "${STRONG_A}"`, 'bare = true', 'allow = "service"'),
  {
    file: 'f.toml',
  },
).matrix as AccessMatrix;

// A role named to forge a line in a terminal, and a user id ending in ESC [2J (its masked part).
const hostile = matrixFromText(
  toml(
    '[[role]]',
    'id = "r\\u001b]0;owned\\u0007\\u001b[2J\\nFORGED: api_wallet_create: allowed"',
    'allow = "wallet_read"',
    '[[user]]',
    'id = "Zq8vN2xK7mB4rT9wL3pH\\u001b[2J"',
    'roles = "r\\u001b]0;owned\\u0007\\u001b[2J\\nFORGED: api_wallet_create: allowed"',
  ),
  { file: 'f.toml' },
).matrix as AccessMatrix;

describe('matrix renderers', () => {
  it('escape the control characters of ids and names taken from the file, in every format', () => {
    const controls = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
    const text = renderMatrixText(hostile);
    expect(text).not.toMatch(controls);
    expect(text).toContain('#1: user #1 (…\\u001b[2J)');
    const csv = renderMatrixCsv(hostile);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const json = renderMatrixJson(hostile);
    expect(json.replace(/\n */g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(JSON.stringify(JSON.parse(json))).toContain('granted by role r\\u001b]0;owned\\u0007\\u001b[2J\\nFORGED');
    const html = renderMatrixHtml(hostile);
    expect(html.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(html).toContain('granted by role r\\u001b]0;owned\\u0007\\u001b[2J\\u000aFORGED');
  });

  it('text: a row per permission, a column per user, and a legend', () => {
    const lines = renderMatrixText(matrix).split('\n');
    expect(lines[0]).toMatch(/^permission +default +#2$/);
    expect(lines.find((l) => l.startsWith('wallet_read '))).toMatch(/^wallet_read +yes +-$/);
    expect(lines.find((l) => l.startsWith('service '))).toMatch(/^service +- +yes$/);
    expect(lines).toContain('#2: user #2 (…6yC1)');
  });

  it('csv: a header of users, yes/no cells, CRLF line ends', () => {
    const rows = renderMatrixCsv(matrix).split('\r\n');
    expect(rows[0]).toBe('permission,the default user,user #2 (…6yC1)');
    expect(rows).toContain('wallet_read,yes,no');
    expect(rows).toContain('service,no,yes');
    expect(rows.at(-1)).toBe('');
  });

  it('json: users and, per permission, each decision with its derivation', () => {
    const parsed = JSON.parse(renderMatrixJson(matrix)) as {
      users: { label: string }[];
      permissions: { name: string; users: { user: string; allowed: boolean; derivation: string[] }[] }[];
    };
    expect(parsed.users.map((u) => u.label)).toEqual(['default', '#2']);
    const service = parsed.permissions.find((p) => p.name === 'service')!;
    expect(service.users).toEqual([
      { user: 'default', allowed: false, derivation: ['granted by nothing'] },
      { user: '#2', allowed: true, derivation: ['granted by allow'] },
    ]);
  });

  it('html: one self-contained page, derivation in each cell title, text escaped', () => {
    const html = renderMatrixHtml(matrix, 'Access <matrix> & co');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:/i);
    expect(html).toContain('<title>Access &lt;matrix&gt; &amp; co</title>');
    expect(html).toContain('title="user #2 (…6yC1): service allowed&#10;granted by allow"');
    expect(html).not.toContain(STRONG_A);
    expect((html.match(/<td /g) ?? []).length).toBe(matrix.permissions.length * matrix.users.length);
    expect(html).toContain(
      `${matrix.users.length} users × ${matrix.permissions.length} permissions, ${matrix.allowed.flat().filter(Boolean).length} allowed.`,
    );
  });
});
