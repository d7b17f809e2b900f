import { parse } from 'smol-toml';
import { scanPositions } from '../src/scan-positions';
import { parseAccessFile } from '../src/parse-access-file';
const users = +process.argv[2];
const parts: string[] = [];
for (let u = 0; u < users; u++) parts.push(`[[user]]\nid = "user-${u.toString(16).padStart(8,'0')}-4750-8bdb"\nroles = "role_${u%100}, role_${(u*7)%100}"\n`);
const text = parts.join('\n');
function t(name: string, f: () => unknown) { const s = process.hrtime.bigint(); const r = f(); console.log(name, Number(process.hrtime.bigint()-s)/1e6|0, 'ms'); return r; }
console.log((text.length/1e6).toFixed(1), 'MB');
t('scan', () => scanPositions(text));
t('chunked smol', () => { const out: unknown[] = []; let at = 0; const marker = '[[user]]\n'; for (;;) { const next = text.indexOf(marker, at + 1); const end = next === -1 ? text.length : next; out.push(parse(text.slice(at + marker.length, end))); if (next === -1) break; at = next; } return out; });
t('whole smol', () => parse(text));
t('parseAccessFile', () => parseAccessFile(text));
