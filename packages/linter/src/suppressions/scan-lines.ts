/** What a physical line of a TOML text starts. */
export type LineKind = 'blank' | 'comment' | 'header' | 'key' | 'continuation' | 'valueComment';

export interface ScannedComment {
  /** 1-based line. */
  line: number;
  /** Offset of the `#`. */
  offset: number;
  /** The comment's text after `#`, untrimmed. */
  text: string;
  /** True when code precedes the comment on its line. */
  trailing: boolean;
}

export interface ScannedLines {
  /** kinds[line - 1] */
  kinds: LineKind[];
  comments: ScannedComment[];
}

type State = 'code' | 'basic' | 'literal' | 'mlBasic' | 'mlLiteral';

/**
 * A lexical pass over TOML that knows only what suppression comments need:
 * where comments are (not inside strings), and which lines start a table
 * header, a key, or continue a multi-line value. It never fails: on text
 * that is not TOML it still returns its best reading (the parser reports
 * the syntax error; such a file's suppressions are then not judged).
 */
export function scanLines(text: string): ScannedLines {
  const kinds: LineKind[] = [];
  const comments: ScannedComment[] = [];
  let state: State = 'code';
  let depth = 0; // open [ and { of a value
  let line = 1;
  let i = 0;
  const length = text.length;

  while (i <= length) {
    // At the start of a physical line.
    const lineStartsInside = state === 'mlBasic' || state === 'mlLiteral' || depth > 0;
    let j = i;
    while (j < length && (text[j] === ' ' || text[j] === '\t')) j++;
    const first = j < length ? text[j] : '\n';
    let kind: LineKind;
    if (lineStartsInside) kind = depth > 0 && state === 'code' && first === '#' ? 'valueComment' : 'continuation';
    else if (first === '\n' || (first === '\r' && text[j + 1] === '\n')) kind = 'blank';
    else if (first === '#') kind = 'comment';
    else if (first === '[') kind = 'header';
    else kind = 'key';
    if (j >= length && !lineStartsInside) kind = 'blank';
    kinds.push(kind);

    let sawCode = false;
    let k = i;
    for (; k < length && text[k] !== '\n'; k++) {
      const c = text[k];
      // String text counts as code before a comment (a closing delimiter, then a comment).
      if (state !== 'code' && c !== ' ' && c !== '\t' && c !== '\r') sawCode = true;
      if (state === 'code') {
        if (c === '#') {
          const end = text.indexOf('\n', k);
          const stop = end === -1 ? length : end;
          const body = text.slice(k + 1, stop).replace(/\r$/, '');
          comments.push({ line, offset: k, text: body, trailing: sawCode });
          k = stop;
          break;
        }
        if (c === '"') {
          if (text.startsWith('"""', k)) {
            state = 'mlBasic';
            k += 2;
          } else state = 'basic';
        } else if (c === "'") {
          if (text.startsWith("'''", k)) {
            state = 'mlLiteral';
            k += 2;
          } else state = 'literal';
        } else if (kind !== 'header') {
          if (c === '[' || c === '{') depth++;
          else if ((c === ']' || c === '}') && depth > 0) depth--;
        }
        if (c !== ' ' && c !== '\t' && c !== '\r') sawCode = true;
      } else if (state === 'basic') {
        if (c === '\\') {
          if (text[k + 1] !== '\n') k++;
        } else if (c === '"') state = 'code';
      } else if (state === 'literal') {
        if (c === "'") state = 'code';
      } else if (state === 'mlBasic') {
        // A line-ending backslash is left alone so that line counting sees the LF.
        if (c === '\\') {
          if (text[k + 1] !== '\n' && text[k + 1] !== '\r') k++;
        } else if (text.startsWith('"""', k)) {
          // A closing delimiter may carry up to two more quotes (content).
          let q = k + 3;
          while (q < length && text[q] === '"' && q < k + 5) q++;
          k = q - 1;
          state = 'code';
        }
      } else if (text.startsWith("'''", k)) {
        let q = k + 3;
        while (q < length && text[q] === "'" && q < k + 5) q++;
        k = q - 1;
        state = 'code';
      }
    }
    // A single-line string cannot cross a line end (the parser reports it).
    if (state === 'basic' || state === 'literal') state = 'code';
    if (k >= length) break;
    i = k + 1;
    line++;
  }
  return { kinds, comments };
}
