// smol-toml ships CommonJS (dist/index.cjs) beside ESM, but its types are
// declared as ESM only, so TypeScript refuses a plain `import` from our
// CommonJS output. Load the CommonJS build and borrow the ESM types.
import type * as SmolTomlModule from 'smol-toml' with { 'resolution-mode': 'import' };
type SmolToml = typeof SmolTomlModule;

let loaded: SmolToml | undefined;

/**
 * smol-toml, required on first use: an access file in the plain subset
 * (readPlainSection) never needs it, and `lint` or a server activating such
 * a file does not pay for loading it.
 */
function smolToml(): SmolToml {
  return (loaded ??= require('smol-toml') as SmolToml);
}

/** smol-toml's parse (the authority on TOML). */
export function parseToml(toml: string): Record<string, unknown> {
  return smolToml().parse(toml);
}

/** Whether `error` is smol-toml's TomlError (only a parse can have thrown one, so smol-toml is loaded by then). */
export function isTomlError(error: unknown): error is TomlError {
  return loaded !== undefined && error instanceof loaded.TomlError;
}
export type TomlError = InstanceType<SmolToml['TomlError']>;
