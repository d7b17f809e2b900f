import { parse } from 'smol-toml';
import Ajv from 'ajv';
import schema from '../src/config-access.schema.json';
import { scanPositions } from '../src/scan-positions';
import { ModelBuilder } from '../src/build-model';
import { Reporter } from '../src/report';
import { SourceText } from '../src/source-text';
const users = +process.argv[2];
const parts: string[] = [];
for (let u = 0; u < users; u++) parts.push(`[[user]]\nid = "user-${u.toString(16).padStart(8,'0')}-4750-8bdb"\nroles = "role_${u%100}, role_${(u*7)%100}"\n`);
const text = parts.join('\n');
function t<T>(name: string, f: () => T): T { const s = process.hrtime.bigint(); const r = f(); console.log(name, Number(process.hrtime.bigint()-s)/1e6|0, 'ms'); return r; }
const v = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strictTypes: false }).compile(schema);
const doc = t('chunked smol', () => { const out: unknown[] = []; let at = 0; const marker = '[[user]]\n'; for (;;) { const next = text.indexOf(marker, at + 1); const end = next === -1 ? text.length : next; out.push(parse(text.slice(at + marker.length, end))); if (next === -1) break; at = next; } return { user: out }; });
const map = t('scan', () => scanPositions(text));
t('ajv', () => v(doc));
t('model', () => { const b = new ModelBuilder(doc as Record<string, unknown>, map, new Reporter('f', new SourceText(text))); return [b.roles(), b.users()]; });
