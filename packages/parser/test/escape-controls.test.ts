import fc from 'fast-check';
import { escapeControls, escapeControlsInJson } from '../src/escape-controls';

describe('escapeControls', () => {
  it('writes C0 controls, DEL and C1 controls as \\u escapes', () => {
    expect(escapeControls('\u001b]0;title\u0007\u001b[2J\nFORGED: api_wallet_create: allowed')).toBe(
      '\\u001b]0;title\\u0007\\u001b[2J\\u000aFORGED: api_wallet_create: allowed',
    );
    expect(escapeControls('a\tb\rc\u0000d\u007fe\u0080f\u009bg')).toBe(
      'a\\u0009b\\u000dc\\u0000d\\u007fe\\u0080f\\u009bg',
    );
  });

  it('writes Unicode bidi controls (LRM, RLM, embeddings, overrides, isolates) as \\u escapes', () => {
    expect(escapeControls('a\u202eb\u202ac\u202bd\u202ce\u202df\u2066g\u2067h\u2068i\u2069j\u200ek\u200fl')).toBe(
      'a\\u202eb\\u202ac\\u202bd\\u202ce\\u202df\\u2066g\\u2067h\\u2068i\\u2069j\\u200ek\\u200fl',
    );
    // Their neighbours stay: ZWJ (emoji sequences), U+2065, U+206A, the paragraph separator.
    expect(escapeControls('\u200d\u2065\u206a\u2029')).toBe('\u200d\u2065\u206a\u2029');
    expect(escapeControlsInJson(JSON.stringify({ a: '\u202e' }))).toBe('{"a":"\\u202e"}');
  });

  it('leaves other text as it is, the same string when nothing needs escaping', () => {
    const text = 'clé-🔑 wallet_read, "quoted" \\ back\u00a0slash';
    expect(escapeControls(text)).toBe(text);
  });

  it('leaves no control character in any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        expect(escapeControls(text)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 1000 },
    );
  });

  it('in JSON text, escapes what JSON leaves raw (DEL, C1), keeping it valid with the same values', () => {
    expect(escapeControlsInJson(JSON.stringify({ a: '\u001b\u007f\u009b' }, null, 2))).toBe(
      '{\n  "a": "\\u001b\\u007f\\u009b"\n}',
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.boolean(), (text, indent) => {
        const json = escapeControlsInJson(JSON.stringify({ text, list: [text] }, null, indent ? 2 : undefined));
        expect(json.replace(/\n */g, '')).not.toMatch(
          /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
        expect(JSON.parse(json)).toEqual({ text, list: [text] });
      }),
      { numRuns: 1000 },
    );
  });
});
