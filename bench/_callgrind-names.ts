/**
 * Names the JIT code in callgrind's output. `callgrind_annotate` prints V8's compiled JavaScript
 * as bare addresses (`???:0x00001234abcd`); a server started with
 * `--perf-basic-prof --no-compact-code-space` (BENCH_NODE_ARGS of bench/_gateway-cost.ts) writes
 * /tmp/perf-<pid>.map, a line per compiled function: start, size and name, both in hex. This
 * rewrites each address into `JS:<name>`. An address can be reused once its code has died, so the
 * map's last entry that covers it wins.
 *
 *   callgrind_annotate --tree=caller FILE > out.txt
 *   npx tsx bench/_callgrind-names.ts /tmp/perf-<pid>.map out.txt
 */
import { readFileSync } from 'node:fs';

interface CodeRange {
  start: number;
  end: number;
  /** Its line in the map: a later line is newer code. */
  order: number;
  name: string;
}

function readMap(text: string): CodeRange[] {
  const ranges: CodeRange[] = [];
  text.split('\n').forEach((line, order) => {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/i.exec(line);
    if (match === null) return;
    const start = parseInt(match[1], 16);
    ranges.push({ start, end: start + parseInt(match[2], 16), order, name: match[3] });
  });
  return ranges.sort((a, b) => a.start - b.start);
}

/** The newest range holding `address`, by binary search over the starts and a walk back. */
function namer(ranges: CodeRange[]): (address: number) => string | undefined {
  const longest = ranges.reduce((most, r) => Math.max(most, r.end - r.start), 0);
  return (address) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ranges[mid].start <= address) low = mid + 1;
      else high = mid - 1;
    }
    let best: CodeRange | undefined;
    for (let i = high; i >= 0 && ranges[i].start + longest > address; i--) {
      const range = ranges[i];
      if (address < range.end && (best === undefined || range.order > best.order)) best = range;
    }
    return best?.name;
  };
}

function main(): void {
  const [mapFile, annotated] = process.argv.slice(2);
  if (mapFile === undefined || annotated === undefined) {
    process.stderr.write(
      'usage: npx tsx bench/_callgrind-names.ts /tmp/perf-<pid>.map callgrind_annotate-output.txt\n',
    );
    process.exit(2);
  }
  // Piped into head or less, which may close early: that ends the output, not with a stack trace.
  process.stdout.on('error', () => process.exit(0));
  const nameOf = namer(readMap(readFileSync(mapFile, 'utf8')));
  const text = readFileSync(annotated, 'utf8');
  process.stdout.write(
    text.replace(/\?\?\?:0x([0-9a-f]+)/g, (whole, hex: string) => {
      const name = nameOf(parseInt(hex, 16));
      return name === undefined ? whole : `JS:${name}`;
    }),
  );
}

main();
