import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatters, lintText, rules } from '@nano-access/linter';

// fixtures/lint: access files and what `lint --format json` prints for each
// (regenerate with `npx tsx fixtures/lint/update-expected.ts`, review the diff).
const repoRoot = join(__dirname, '..', '..', '..');
const corpus = join(repoRoot, 'fixtures', 'lint');
const names = readdirSync(corpus)
  .filter((name) => name.endsWith('.toml'))
  .sort();

describe('the fixtures/lint corpus', () => {
  it('has an expectation for every file', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
    const expectations = readdirSync(corpus).filter((name) => name.endsWith('.expected.json'));
    expect(expectations.sort()).toEqual(names.map((n) => n.replace(/\.toml$/, '.expected.json')));
  });

  it.each(names)('lints %s to its expected JSON', (name) => {
    const file = `fixtures/lint/${name}`;
    const result = lintText(readFileSync(join(corpus, name), 'utf8'), { file });
    const expected = JSON.parse(
      readFileSync(join(corpus, name.replace(/\.toml$/, '.expected.json')), 'utf8'),
    ) as unknown;
    expect(JSON.parse(formatters.json([result], { cwd: repoRoot, rules }))).toEqual(expected);
  });
});
