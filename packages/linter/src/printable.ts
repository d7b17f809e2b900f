/**
 * A string from a file, safe to write to a terminal or a log: C0 and C1
 * control characters and DEL are shown as `\u001b`-style escapes, so a name
 * in an access file can neither move the cursor nor forge a line.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
