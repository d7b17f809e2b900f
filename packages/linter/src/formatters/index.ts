import type { Formatter } from './formatter';

export type FormatName = 'compact' | 'github' | 'json' | 'sarif' | 'stylish';

/**
 * Every output format by name, each loaded when first asked for: a run
 * prints one format, and SARIF alone loads node:crypto (for fingerprints).
 */
export const formatters: Readonly<Record<FormatName, Formatter>> = Object.freeze({
  get compact(): Formatter {
    return (require('./compact') as typeof import('./compact')).compact;
  },
  get github(): Formatter {
    return (require('./github') as typeof import('./github')).github;
  },
  get json(): Formatter {
    return (require('./json') as typeof import('./json')).json;
  },
  get sarif(): Formatter {
    return (require('./sarif') as typeof import('./sarif')).sarif;
  },
  get stylish(): Formatter {
    return (require('./stylish') as typeof import('./stylish')).stylish;
  },
});

export const formatNames: readonly FormatName[] = ['stylish', 'json', 'compact', 'sarif', 'github'];
