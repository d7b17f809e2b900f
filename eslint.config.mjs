// ESLint flat config: typescript-eslint's type-aware recommended rules, a few that fit this
// code, and the package graph of docs/architecture.md enforced on every import.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Each package may import only the packages listed for it (docs/architecture.md, "The package graph").
const packageGraph = {
  metrics: ['parser'],
  parser: [],
  resolver: ['parser'],
  reloader: ['metrics', 'parser', 'resolver'],
  linter: ['parser', 'resolver'],
  protocol: ['metrics', 'resolver'],
  'ipc-server': ['metrics', 'parser', 'protocol', 'reloader'],
  gateway: ['metrics', 'parser', 'protocol', 'reloader', 'ipc-server'],
  cli: ['parser', 'resolver', 'reloader', 'linter', 'protocol', 'ipc-server', 'gateway'],
};
const packages = Object.keys(packageGraph);

// A package's src may import its allowed packages by name (never their files); its tests may also
// import the package itself, and borrow the test helpers of a package they may import. Nothing reaches
// into another package's sources by a relative path.
function graphRule(name, allowed) {
  const forbidden = packages.filter((other) => other !== name && !allowed.includes(other));
  const patterns = [
    {
      regex: `^(\\.\\./)+(packages/)?(${packages.join('|')})/(src|dist)(/|$)`,
      message: 'Import a sibling package by its name (@nano-access/<name>), not by a path into its sources.',
    },
    {
      regex: `^@nano-access/[a-z-]+/`,
      message: "Import a package's public surface (@nano-access/<name>), not its files.",
    },
  ];
  if (forbidden.length > 0) {
    patterns.push({
      regex: `^(@nano-access/|(\\.\\./)+(packages/)?)(${forbidden.join('|')})(/|$)`,
      message: `The package graph (docs/architecture.md) does not let ${name} import this package.`,
    });
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/generated/**',
      'packages/resolver/src/catalogs/nano-permissions.ts',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  // Escaping and detecting control characters is part of this code's job (escapeControls, ascii-json, ids).
  { rules: { 'no-control-regex': 'off' } },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.eslint.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A lazy require() is typed as `typeof import('./module')`, which loads nothing at run time.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      // `_name` marks a binding kept for its position or to drop a field from a rest object.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Loading a module on first use with a synchronous require() is how packages keep start-up small.
      '@typescript-eslint/no-require-imports': 'off',
      // Async methods implement Promise-returning interfaces; `async` turns a synchronous throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'packages/*/bench/**/*.ts'],
    rules: {
      // Tests and benchmarks read JSON from real processes and sockets; the assertions that follow check its shape.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  ...packages.flatMap((name) => [
    { files: [`packages/${name}/src/**/*.ts`], rules: graphRule(name, packageGraph[name]) },
    { files: [`packages/${name}/test/**/*.ts`], rules: graphRule(name, [...packageGraph[name], name]) },
  ]),
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
