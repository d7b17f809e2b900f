import { lowVarietyReason } from '../../src/rules/weak-credential';
import { findingsOf, messagesOf, STRONG_A, toml } from '../helpers/lint';

describe('weak-credential', () => {
  it('accepts a long, varied id', () => {
    expect(findingsOf('weak-credential', toml('[[user]]', `id = "${STRONG_A}"`))).toEqual([]);
  });

  it('never judges the default user (it has no credentials)', () => {
    expect(findingsOf('weak-credential', toml('[[user]]', 'id = ""'))).toEqual([]);
  });

  it('warns at an id shorter than 16 characters, showing at most a quarter of it (3 of 12)', () => {
    const text = toml('[[user]]', 'id = "hunter2-pass"');
    expect(findingsOf('weak-credential', text)).toEqual([
      { messageId: 'tooShort', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 20 },
    ]);
    const [message] = messagesOf('weak-credential', text);
    expect(message).toContain('user #1 (…ass)');
    expect(message).toContain('12 characters');
    expect(message).not.toContain('hunter2');
  });

  it.each([
    ['few distinct characters', 'aaaaaaaabbbbbbbbaaaa'],
    ['a repeated pattern', 'k3Y9pQ2xk3Y9pQ2xk3Y9pQ2x'],
    ['a run of consecutive characters', 'abcdefghijklmnopq'],
    ['a common word and a sequence', 'password12345678'],
  ])('warns at a long id of low variety: %s', (_name, id) => {
    expect(findingsOf('weak-credential', toml('[[user]]', `id = "${id}"`))).toEqual([
      { messageId: 'lowVariety', severity: 'warning', line: 2, column: 6, endLine: 2, endColumn: 8 + id.length },
    ]);
  });
});

/** The first, plainer implementation of lowVarietyReason: the fast one must say exactly what it said. */
function referenceReason(id: string): string | undefined {
  const distinct = new Set(id).size;
  if (distinct < 8) return `only ${distinct} distinct characters`;
  for (let size = 1; size <= id.length / 2; size++) {
    if (id.length % size === 0 && id.slice(size) === id.slice(0, -size)) return 'a short pattern repeated';
  }
  const runAt = (text: string, from: number): number => {
    if (from + 1 >= text.length) return text.length - from;
    const step = text.charCodeAt(from + 1) - text.charCodeAt(from);
    if (step !== 1 && step !== -1) return 1;
    let end = from + 2;
    while (end < text.length && text.charCodeAt(end) - text.charCodeAt(end - 1) === step) end++;
    return end - from;
  };
  if (runAt(id, 0) === id.length) return 'a run of consecutive characters';
  let rest = id.toLowerCase();
  for (const word of [
    'password',
    'passw0rd',
    'secret',
    'changeme',
    'letmein',
    'qwerty',
    'admin',
    'default',
    'example',
  ]) {
    if (rest.includes(word)) rest = rest.split(word).join('');
  }
  let kept = 0;
  for (let i = 0; i < rest.length;) {
    const run = runAt(rest, i);
    if (run < 4) kept += run;
    i += run;
  }
  return kept < 16 ? 'mostly a common word or a sequence such as 1234' : undefined;
}

describe('lowVarietyReason', () => {
  it('says what the plain reference implementation says, on crafted and random ids', () => {
    const crafted = [
      'aaaaaaaabbbbbbbbaaaa',
      'k3Y9pQ2xk3Y9pQ2xk3Y9pQ2x',
      'abcdefghijklmnopq',
      'password12345678',
      'zyxwvutsrqponmlkj',
      'abababababababababab',
      'abcabcabcabcabcabcabcabd',
      'PASSWORD-SecretAdmin-x9',
      'changeme1234abcdQWERTY',
      '0123456789abcdef',
      'key-ea8e9d7a79aa620b6502a407b2b34955',
      '😀😁😂🤣😃😄😅😆😀😁😂🤣😃😄😅😆',
      '😀😁😂🤣😃😄😅a😀😁',
      'a😀b😁c😂d🤣e😃f😄g',
      'İİİİİİİİabcdefgh',
      'Kelvin\u212akelvinkelvin12',
      'aaaaaaa\ud800bbbbbbbbb',
      '1234567',
      'abcdefg',
    ];
    // A small deterministic generator: ids from few, some or many characters, with words and runs spliced in.
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabets = [
      'ab',
      'abcdefg',
      'abcdefgh',
      '0123456789abcdef',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
      'a😀b',
    ];
    const pieces = ['password', 'Secret', 'qwerty', '1234', 'abcd', 'dcba', '9876', 'admin'];
    const random: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const alphabet = alphabets[next(alphabets.length)];
      let id = '';
      const length = 16 + next(40);
      while (id.length < length) id += next(5) === 0 ? pieces[next(pieces.length)] : alphabet[next(alphabet.length)];
      random.push(id, id.slice(0, 8).repeat(3));
    }
    for (const id of [...crafted, ...random]) expect([id, lowVarietyReason(id)]).toEqual([id, referenceReason(id)]);
  });
});
