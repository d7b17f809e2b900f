/**
 * The IPC server's JSON answers as bytes: `encodeAsciiJson` (the text written straight into the
 * frame's bytes, what the server sends since 2026-12-07) against the text path: `stringifyAscii`
 * (JSON.stringify's text, escaped to ASCII) copied into a new Buffer as latin1. Both make the same
 * frame (length, then the ASCII JSON) of the two answers the IPC bench asks for, IsAlive and
 * AccountWeight, each answer a new envelope as the dispatcher makes it. ns per frame, CPU time,
 * medians of rounds that alternate the two. (Until 2026-12-07 stringifyAscii built small objects
 * by concatenation, and the server sent that text: 0.68–0.78× of it, docs/performance.md.)
 *
 *   npx tsc -b && npx tsx bench/ascii-answer.ts      (or npm run bench -- ascii-answer)
 */
import { encodeAsciiJson, stringifyAscii } from '@nano-access/protocol';

const FRAMES = 1_000_000;
const ROUNDS = 15;

function viaText(value: unknown): Buffer {
  const text = stringifyAscii(value);
  const out = Buffer.allocUnsafe(4 + text.length);
  out.writeUInt32BE(text.length, 0);
  out.write(text, 4, 'latin1');
  return out;
}

function straight(value: unknown): Buffer {
  const out = encodeAsciiJson(value, 4);
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}

const WEIGHTS = ['1000000000000000000000000000000', '2000000000000000000000000000000000000'];

/** Answer i: AccountWeight three times in four, IsAlive the fourth, as the dispatcher makes them. */
function answer(i: number): object {
  return (i & 3) === 3
    ? { time: Date.now(), message_type: 'IsAlive', message: {} }
    : { time: Date.now(), message_type: 'AccountWeightResponse', message: { voting_weight: WEIGHTS[i & 1] } };
}

function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1e3;
}

function nsPerFrame(encode: (value: unknown) => Buffer): number {
  let bytes = 0;
  const start = cpuNs();
  for (let i = 0; i < FRAMES; i++) bytes += encode(answer(i)).length;
  if (bytes === 0) throw new Error('no bytes');
  return (cpuNs() - start) / FRAMES;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

for (let i = 0; i < 1000; i++) {
  const value = answer(i);
  if (!viaText(value).equals(straight(value))) throw new Error(`the two paths differ on ${JSON.stringify(value)}`);
}
const text: number[] = [];
const bytes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  text.push(nsPerFrame(viaText));
  bytes.push(nsPerFrame(straight));
}
const a = median(text);
const b = median(bytes);
process.stdout.write(
  `\nIPC JSON answer frames (medians of ${ROUNDS} alternating rounds of ${FRAMES} frames, CPU ns per frame, Node ${process.version})\n\n`,
);
process.stdout.write('| path | ns/frame | ratio |\n|---|---:|---:|\n');
process.stdout.write(`| text: stringifyAscii, then a latin1 copy | ${a.toFixed(0)} | 1.00 |\n`);
process.stdout.write(`| straight to bytes: encodeAsciiJson | ${b.toFixed(0)} | ${(b / a).toFixed(2)} |\n`);
