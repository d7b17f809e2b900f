// Bidi controls (LRM, RLM, the embeddings and overrides, the isolates) reorder what a terminal or a
// review shows: a name holding U+202E can make `allow = "x"` read as something else (Trojan Source).
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_RAW_IN_JSON = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const RAW_IN_JSON = /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The text with every C0 control (tab and line breaks included), DEL, C1
 * control and Unicode bidi control (U+200E, U+200F, U+202A–U+202E,
 * U+2066–U+2069) written as a `\u` escape: `ESC` becomes `\u001b`. For every string
 * taken from a file and shown on a terminal or in a log (an id, a role name, a
 * message that quotes one): a role id holding `ESC ]0;…BEL` or a line break
 * must not retitle the terminal, clear it or forge a line of output.
 */
export function escapeControls(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escapeOne) : text;
}

/**
 * escapeControls for JSON text (JSON.stringify's output, indented or not): the
 * values and the validity unchanged. JSON escapes C0 controls inside strings
 * itself (a raw line break in its output is indentation), but leaves DEL, C1
 * and bidi controls raw; those can only be inside strings, where `\u007f` is
 * their JSON escape.
 */
export function escapeControlsInJson(json: string): string {
  return HAS_RAW_IN_JSON.test(json) ? json.replace(RAW_IN_JSON, escapeOne) : json;
}

function escapeOne(control: string): string {
  return `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
