import type { DecisionRecord } from '@nano-access/protocol';
import { asciiJsonStringContent } from '@nano-access/reloader';
import type { ApiKind } from './metrics';

/**
 * Read once: an imported name compiles to a read of the package's export, a getter (CommonJS
 * re-export), at each call; six calls a line paid six getter calls, and the function was not inlined.
 */
const jsonStringContent = asciiJsonStringContent;

/** What one request turned out to be, for metrics and the rpc log. */
export interface Outcome {
  api: ApiKind;
  name: string;
  outcome: string;
  status: number;
}

/** `MILLIS_FRACTIONS[r]`: how JSON writes r/1000 after its integer part: '' for 0, `.5` for 500, `.007` for 7. */
const MILLIS_FRACTIONS = Array.from({ length: 1000 }, (_, r) =>
  r === 0 ? '' : `.${String(r).padStart(3, '0').replace(/0+$/, '')}`,
);
/** Below 10^15 µs, a whole number of µs over 1e3 has at most 15 significant digits: JSON writes the decimal itself. */
const EXACT_MICROS = 1e15;

/**
 * JSON of `Math.round(seconds * 1e6) / 1e3` (the line's `ms`: milliseconds, to the microsecond)
 * without JSON's double-to-text conversion (~750 instructions a line): the division is correctly
 * rounded, so for fewer than 16 significant digits the shortest text that reads back as the
 * quotient is the decimal itself, its integer part and its thousandths without trailing zeros.
 * Anything else (negative, not finite, huge) goes to JSON.stringify.
 */
export function millisecondsJson(seconds: number): string {
  const micros = Math.round(seconds * 1e6);
  if (!(micros >= 0 && micros < EXACT_MICROS)) return JSON.stringify(micros / 1e3);
  const fraction = micros % 1000;
  return `${(micros - fraction) / 1000}${MILLIS_FRACTIONS[fraction]}`;
}

/**
 * A log_rpc line's fields, as jsonLineWriter takes them: the text `JSON.stringify` made of
 * `{ api, call, outcome, status, ms, remote, peer, ...decision }` (undefined fields left out),
 * written field by field, in ASCII: a character past ASCII (the `…` of a masked caller) is written
 * as its `\uXXXX` escape, the same value to any JSON reader (asciiJsonStringContent says why). `call`, not `name`: pino's own field (the logger's, "nano-access") is
 * already in the line. The decision record's fields come in their documented order (caller,
 * permission, reason, deny): the order the dispatcher fills them in.
 */
export function rpcLineJson(
  outcome: Outcome,
  seconds: number,
  remote: string | undefined,
  peer: string | undefined,
  decision: DecisionRecord | undefined,
): string {
  const { status } = outcome;
  // Quotes in the template's own text: each value is one piece of the rope, not three.
  let json = `,"api":"${jsonStringContent(outcome.api)}","call":"${jsonStringContent(outcome.name)}","outcome":"${jsonStringContent(
    outcome.outcome,
  )}","status":${Number.isSafeInteger(status) ? `${status}` : JSON.stringify(status)},"ms":${millisecondsJson(seconds)}`;
  if (remote !== undefined) json += `,"remote":"${jsonStringContent(remote)}"`;
  if (peer !== undefined) json += `,"peer":"${jsonStringContent(peer)}"`;
  if (decision === undefined) return json;
  const { caller, permission, reason, deny } = decision;
  if (caller !== undefined) json += `,"caller":"${jsonStringContent(caller)}"`;
  if (permission !== undefined) json += `,"permission":"${jsonStringContent(permission)}"`;
  if (reason !== undefined) json += `,"reason":"${jsonStringContent(reason)}"`;
  if (deny !== undefined) json += `,"deny":"${jsonStringContent(deny)}"`;
  return json;
}
