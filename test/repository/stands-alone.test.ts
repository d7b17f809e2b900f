import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..');

/** Every tracked file under the directories a clone of the repository must be able to use on its own. */
function trackedFiles(): string[] {
  const out = execFileSync(
    'git',
    [
      'ls-files',
      '-z',
      '--',
      'packages',
      'bench',
      'scripts',
      'fixtures',
      'test',
      'docs',
      '.ci',
      'jest.config.ts',
      'package.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'tsconfig.test.json',
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  // This file names the patterns it looks for, so it is the one file not searched.
  return out
    .split('\0')
    .filter((f) => f !== '' && f !== 'test/repository/stands-alone.test.ts' && !/\.(png|jpg|gz|tgz)$/.test(f));
}

const outside = [
  /\.\.['", /\\]+shared\b/, // ../shared, '..', 'shared'
  /shared\/(spec|schemas|seeds)\b/,
  /\b(ACCESS|WIRE|LEGACY-ACTIONS)\.md\b/,
  /\b(nano-ipc-integration|nso-ipc-connection)\.md\b/,
];

describe('the repository stands alone', () => {
  const files = trackedFiles();

  it('finds the files it checks', () => {
    expect(files).toEqual(
      expect.arrayContaining(['scripts/gen-catalog.ts', 'packages/linter/test/formatters/sarif.test.ts']),
    );
  });

  it('reads and cites nothing beside the repository: it cites docs/ and reads its own copies', () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (outside.some((pattern) => pattern.test(line))) offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });

  it('keeps its own copies of the data the tests and scripts need', () => {
    const sarif = JSON.parse(readFileSync(join(repoRoot, 'fixtures/schemas/sarif-schema-2.1.0.json'), 'utf8')) as {
      id: string;
    };
    expect(sarif.id).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(readFileSync(join(repoRoot, 'scripts/data/legacy-actions.md'), 'utf8')).toMatch(/^\| account_balance \|/m);
  });
});
