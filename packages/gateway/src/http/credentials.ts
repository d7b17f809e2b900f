import type { TransportCredentials } from '@nano-access/protocol';
import type { GatewayHeaders } from './request-headers';

/**
 * Reads every credential source of one HTTP request, and nothing else does:
 * - `Nano-Api-Key: <id>` (the node's header);
 * - `Authorization: Bearer <id>`;
 * - `Authorization: Basic base64(<user>:<id>)`: the id is the password, the user name is ignored
 *   (clients written for NanoRPCProxy send basic auth);
 * - the id from the path `/key/<id>/…` when `key_in_path` is on (the router hands it over, percent-decoded here).
 *
 * It does not merge them: it hands protocol's mergeCredentials every id it found (sources that
 * disagree are refused there, by the one rule for every transport). An `Authorization` header
 * that is not one of the two schemes, or not readable, marks the request unreadable (refused):
 * a caller who sent credentials must never run as the default user by accident.
 * The common cases allocate nothing new: no source is `undefined`, one header is its value.
 */
export function requestCredentials(headers: GatewayHeaders, pathId?: string): TransportCredentials {
  const { apiKeys, authorizations } = headers;
  if (authorizations === undefined && pathId === undefined) {
    if (apiKeys === undefined) return undefined;
    if (apiKeys.length === 1) return apiKeys[0];
    return { ids: apiKeys };
  }
  const ids: string[] = apiKeys === undefined ? [] : [...apiKeys];
  for (const value of authorizations ?? []) {
    const id = authorizationId(value);
    if (id === undefined) return UNREADABLE;
    ids.push(id);
  }
  if (pathId !== undefined) {
    const id = decodePathSegment(pathId);
    if (id === undefined) return UNREADABLE;
    ids.push(id);
  }
  return { ids };
}

const UNREADABLE: TransportCredentials = Object.freeze({ ids: [], unreadable: true });

const BEARER = /^bearer[ \t]+/i;
const BASIC = /^basic[ \t]+/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The id an Authorization header carries, or undefined when it is not Bearer or Basic, or malformed. */
export function authorizationId(value: string): string | undefined {
  const bearer = BEARER.exec(value);
  if (bearer !== null) {
    const token = value.slice(bearer[0].length).trim();
    return token.length > 0 ? token : undefined;
  }
  const basic = BASIC.exec(value);
  if (basic === null) return undefined;
  const encoded = value.slice(basic[0].length).trim();
  if (!BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  const text = bytes.toString('utf8');
  // Not UTF-8: the id could not be what the client meant.
  if (!Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  const colon = text.indexOf(':');
  return colon === -1 ? undefined : text.slice(colon + 1);
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
