import { compact } from './compact';
import type { Formatter } from './formatter';
import { github } from './github';
import { json } from './json';
import { sarif } from './sarif';
import { stylish } from './stylish';

/** Every output format by name. */
export const formatters: Readonly<Record<FormatName, Formatter>> = { compact, github, json, sarif, stylish };

export type FormatName = 'compact' | 'github' | 'json' | 'sarif' | 'stylish';

export const formatNames: readonly FormatName[] = ['stylish', 'json', 'compact', 'sarif', 'github'];
