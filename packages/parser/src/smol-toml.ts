// smol-toml ships CommonJS (dist/index.cjs) beside ESM, but its types are
// declared as ESM only, so TypeScript refuses a plain `import` from our
// CommonJS output. Load the CommonJS build and borrow the ESM types.
type SmolToml = typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const smolToml = require('smol-toml') as SmolToml;

export const parseToml: SmolToml['parse'] = smolToml.parse;
export const TomlError: SmolToml['TomlError'] = smolToml.TomlError;
export type TomlError = InstanceType<SmolToml['TomlError']>;
