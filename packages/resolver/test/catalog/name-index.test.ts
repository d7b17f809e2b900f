import fc from 'fast-check';
import { nanoCatalog } from '@nano-access/resolver';
import { NameIndex } from '../../src/catalog/name-index';
import { internalized } from '../../src/own-string';

const nanoNames = nanoCatalog.permissions.map((p) => p.name);

/** A copy that is a distinct string object (not the catalog's, not internalized). */
function freshCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** Strings that are not names: every one-character change, prefixes, extensions. */
function nearMisses(name: string): string[] {
  const misses: string[] = [name.slice(0, -1), `${name}_`, `_${name}`, name.toUpperCase(), `${name}\u0000`];
  for (let i = 0; i < name.length; i++) {
    for (const c of ['_', 'a', 'z', '0', '\u00e9', '\u4e00']) {
      const changed = name.slice(0, i) + c + name.slice(i + 1);
      if (changed !== name) misses.push(changed);
    }
  }
  return misses;
}

describe('NameIndex', () => {
  const index = new NameIndex(nanoNames);

  it('gives every Nano permission its bit, each in a slot of its own', () => {
    nanoNames.forEach((name, id) => expect(index.idOf(name)).toBe(id));
    expect(index.sharedCount).toBe(0);
  });

  it('finds names given as fresh strings, not only the catalog objects', () => {
    nanoNames.forEach((name, id) => expect(index.idOf(freshCopy(name))).toBe(id));
  });

  it('denies every string that is not a name, however close', () => {
    const names = new Set(nanoNames);
    for (const name of nanoNames) {
      for (const miss of nearMisses(name)) if (!names.has(miss)) expect(index.idOf(miss)).toBe(-1);
    }
    for (const other of ['', ' ', 'x'.repeat(10_000), '__proto__', 'constructor', 'toString', 'undefined', '\ud800']) {
      expect(index.idOf(other)).toBe(-1);
    }
  });

  it('stays exact when two characters cannot tell the names apart (shared slots)', () => {
    // Every 3-letter word over {a, b}: any two positions leave pairs of names equal there.
    const words = Array.from(
      { length: 8 },
      (_, i) => ['a', 'b'][(i >> 2) & 1] + ['a', 'b'][(i >> 1) & 1] + ['a', 'b'][i & 1],
    );
    const catalogNames = ['unrestricted', ...words];
    const shared = new NameIndex(catalogNames);
    expect(shared.sharedCount).toBeGreaterThan(0);
    catalogNames.forEach((name, id) => expect(shared.idOf(freshCopy(name))).toBe(id));
    for (const miss of ['aac', 'abc', 'aa', 'aaaa', 'bbb ', 'cba']) expect(shared.idOf(miss)).toBe(-1);
  });

  it('picks the multiplier with the fewest shared names, as a full count of every try would', () => {
    const names = nanoNames.slice(0, 20);
    const tiny = new NameIndex(names, { maxTableBits: 2 });
    const { positions } = tiny as unknown as { positions: Int32Array };
    const key = (name: string): number => {
      const at = positions[name.length];
      return name.charCodeAt(at & 0xffff) ^ (name.charCodeAt(at >>> 16) << 8) ^ (name.length << 16);
    };
    let fewest = Infinity;
    for (let t = 0; t < 200; t++) {
      const multiplier = Math.imul(t + 1, 0x9e3779b1) | 1;
      const counts = [0, 0, 0, 0];
      for (const name of names) counts[Math.imul(key(name), multiplier) >>> 30]++;
      fewest = Math.min(
        fewest,
        counts.filter((c) => c > 1).reduce((a, b) => a + b, 0),
      );
    }
    expect(tiny.sharedCount).toBe(fewest);
  });

  it('stays exact in a table too small for its names', () => {
    const tiny = new NameIndex(nanoNames.slice(0, 20), { maxTableBits: 2 });
    expect(tiny.sharedCount).toBeGreaterThan(0);
    nanoNames.slice(0, 20).forEach((name, id) => expect(tiny.idOf(name)).toBe(id));
    for (const name of nanoNames.slice(20)) expect(tiny.idOf(name)).toBe(-1);
  });

  it('maps any set of names exactly and denies everything else', () => {
    const nameArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.string({ maxLength: 42 }), { maxLength: 30 }),
        (names, others) => {
          const built = new NameIndex(names);
          names.forEach((name, id) => expect(built.idOf(freshCopy(name))).toBe(id));
          for (const other of others) expect(built.idOf(other)).toBe(names.indexOf(other));
        },
      ),
    );
  });
});

describe('internalized', () => {
  it('returns an equal string, for names that look like array indices too', () => {
    for (const text of ['api_send', '0', '4294967295', '', 'a.b:c-d', '\u4e00'])
      expect(internalized(freshCopy(text))).toBe(text);
  });
});
