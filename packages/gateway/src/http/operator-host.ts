import { parseIp } from './ip-address';

/**
 * Whether /metrics or /healthz may answer a request for this Host header: a guard against DNS
 * rebinding. A page at `http://evil.example:7076/` whose name the attacker re-points at this
 * machine is, to the browser, same-origin with whatever answers there: it sends no Origin header
 * and reads the answer. Its Host header still says `evil.example`. So these endpoints answer only
 * a Host that no attacker's DNS can stand behind: an IP literal (`127.0.0.1:7076`, `[::1]`,
 * `10.0.0.5`: a name is needed to rebind), `localhost`, or a name listed in
 * `[metrics] allowed_hosts`. A request without Host (HTTP/1.0; browsers always send one) passes.
 */
export function operatorHostAllowed(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (host === undefined) return true;
  let name: string;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1 || !portOrNothing(host, close + 1)) return false;
    return parseIp(host.slice(1, close)) !== null;
  }
  const colon = host.indexOf(':');
  if (colon === -1) name = host;
  else {
    if (!portOrNothing(host, colon)) return false;
    name = host.slice(0, colon);
  }
  name = name.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0) return false;
  if (name === 'localhost' || parseIp(name) !== null) return true;
  return allowedHosts.includes(name);
}

/** host[from…] is empty or `:` and a port number. */
function portOrNothing(host: string, from: number): boolean {
  if (from === host.length) return true;
  return /^:\d{1,5}$/.test(host.slice(from));
}
