import { scanPositions } from '../src/scan-positions';
const users = +process.argv[2];
const parts: string[] = [];
for (let u = 0; u < users; u++) parts.push(`[[user]]\nid = "user-${u.toString(16).padStart(8,'0')}-4750-8bdb"\nroles = "role_${u%100}, role_${(u*7)%100}"\n`);
const text = parts.join('\n');
for (let i = 0; i < 5; i++) { const s = process.hrtime.bigint(); scanPositions(text); console.log('scan', Number(process.hrtime.bigint()-s)/1e6|0, 'ms'); }
