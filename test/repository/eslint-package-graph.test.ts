import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The package graph rule of eslint.config.mjs, run through ESLint's own API on snippets placed in a
// package's sources. The config is the repository's (calculateConfigForFile), and only its
// no-restricted-imports setting is applied, so the check needs no type information and no file on
// disk. ESLint loads its flat config with import(), which Jest's CommonJS loader cannot run: the
// linting happens in a child Node process.

const repoRoot = join(__dirname, '..', '..');

interface Finding {
  ruleId: string | null;
  message: string;
}

function lintAt(cases: Array<{ file: string; code: string }>): Finding[][] {
  const script = `
    import { ESLint } from 'eslint';
    import tseslint from 'typescript-eslint';
    const cases = JSON.parse(process.argv[1]);
    const results = [];
    for (const { file, code } of cases) {
      const config = await new ESLint({ cwd: process.cwd() }).calculateConfigForFile(file);
      const eslint = new ESLint({
        cwd: process.cwd(),
        overrideConfigFile: true,
        overrideConfig: [{
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          rules: { 'no-restricted-imports': config.rules['no-restricted-imports'] },
        }],
      });
      const [result] = await eslint.lintText(code, { filePath: file });
      results.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Finding[][];
}

describe("eslint.config.mjs's package graph rule", () => {
  it('fails an import against the graph, and passes the same import where the graph allows it', () => {
    const [
      resolverImportsGateway,
      resolverReachesIntoGateway,
      gatewayImportsCli,
      resolverImportsParser,
      gatewayImportsIpc,
    ] = lintAt([
      {
        file: 'packages/resolver/src/graph-fixture.ts',
        code: "export { startGateway } from '@nano-access/gateway';\n",
      },
      { file: 'packages/resolver/src/graph-fixture.ts', code: "import '../../gateway/src/gateway';\n" },
      { file: 'packages/gateway/src/graph-fixture.ts', code: "import type { execute } from '@nano-access/cli';\n" },
      {
        file: 'packages/resolver/src/graph-fixture.ts',
        code: "export { parseAccessFile } from '@nano-access/parser';\n",
      },
      { file: 'packages/gateway/src/graph-fixture.ts', code: "export { IpcClient } from '@nano-access/ipc-server';\n" },
    ]);
    expect(resolverImportsGateway).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message: expect.stringContaining('does not let resolver import this package') as string,
      },
    ]);
    expect(resolverReachesIntoGateway).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports' }),
      expect.objectContaining({ ruleId: 'no-restricted-imports' }),
    ]);
    expect(gatewayImportsCli).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message: expect.stringContaining('does not let gateway import this package') as string,
      },
    ]);
    expect(resolverImportsParser).toEqual([]);
    expect(gatewayImportsIpc).toEqual([]);
  });
});
