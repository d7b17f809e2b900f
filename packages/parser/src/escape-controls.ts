const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const HAS_DEL_OR_C1 = /[\u007f-\u009f]/;
const DEL_OR_C1 = /[\u007f-\u009f]/g;

/**
 * The text with every C0 control (tab and line breaks included), DEL and C1
 * control written as a `\u` escape: `ESC` becomes `\u001b`. For every string
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
 * itself (a raw line break in its output is indentation), but leaves DEL and
 * C1 raw; those can only be inside strings, where `\u007f` is their JSON escape.
 */
export function escapeControlsInJson(json: string): string {
  return HAS_DEL_OR_C1.test(json) ? json.replace(DEL_OR_C1, escapeOne) : json;
}

function escapeOne(control: string): string {
  return `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
