import type { IncomingMessage } from 'node:http';
import { AddressSet } from './address-set';
import { formatIp, parseIp } from './ip-address';

/** `[client_addresses]` of config-rpc.toml: who may connect, and whose X-Forwarded-For is believed. */
export interface ClientAddressConfig {
  /** Addresses or CIDR blocks served; empty: every address not denied. */
  allow: string[];
  /** Addresses or CIDR blocks refused (403); deny wins over allow. */
  deny: string[];
  /** Proxies whose X-Forwarded-For names the client; empty: the peer is always the client. */
  trustProxy: string[];
}

/**
 * The client address of a request and the allow/deny decision on it, computed once per request
 * (HTTP and WebSocket upgrades alike), before any byte of the body is read.
 *
 * - **The address.** The TCP peer, unless the peer is in `trust_proxy`: then X-Forwarded-For is
 *   walked from the right, skipping trusted proxies, and the first address that is not one is the
 *   client. Only a trusted proxy's header is believed, and only up to the first hop it could not
 *   vouch for, so a client can write whatever it likes on the left of the header and gain nothing.
 *   A header that cannot be read where it is walked (not an address, an empty entry) makes the
 *   peer the client: a doubt never lets a request choose its address.
 * - **The decision.** Denied when a deny block holds the address (deny wins); else allowed when
 *   the allow list is empty or one of its blocks holds it. An address that cannot be read is
 *   refused whenever either list is set.
 */
export class ClientAddresses {
  private readonly allow: AddressSet | null;
  private readonly deny: AddressSet | null;
  private readonly trustProxy: AddressSet | null;
  /** False when neither list is set: every request is admitted, no address is parsed. */
  readonly filtering: boolean;
  /**
   * The last peer seen and whether trust_proxy holds it: behind a proxy, request after request
   * comes from the same few peers, and the lists are fixed for the life of the process.
   */
  private lastPeer: string | undefined;
  private lastPeerTrusted = false;

  constructor(config: ClientAddressConfig) {
    this.allow = config.allow.length > 0 ? AddressSet.fromEntries(config.allow) : null;
    this.deny = config.deny.length > 0 ? AddressSet.fromEntries(config.deny) : null;
    this.trustProxy = config.trustProxy.length > 0 ? AddressSet.fromEntries(config.trustProxy) : null;
    this.filtering = this.allow !== null || this.deny !== null;
  }

  /** The request's client address (canonical text when it came from X-Forwarded-For). */
  of(req: IncomingMessage): string | undefined {
    const peer = unmapped(req.socket.remoteAddress);
    if (this.trustProxy === null || peer === undefined) return peer;
    if (peer !== this.lastPeer) {
      this.lastPeerTrusted = this.trustProxy.hasText(peer);
      this.lastPeer = peer;
    }
    if (!this.lastPeerTrusted) return peer;
    return walkForwardedFor(peer, forwardedFor(req.rawHeaders), this.trustProxy);
  }

  /** True when a request from this address may be served. */
  admits(address: string | undefined): boolean {
    if (!this.filtering) return true;
    if (address === undefined) return false;
    const ip = parseIp(address);
    if (ip === null) return false;
    if (this.deny !== null && this.deny.has(ip)) return false;
    return this.allow === null || this.allow.has(ip);
  }
}

/**
 * The client behind a chain of proxies: `peer` when it is not trusted, when there is no header,
 * or when the header cannot be read where it is walked; else the rightmost address that is not a
 * trusted proxy (the leftmost one when every hop is trusted).
 */
export function clientFromForwardedFor(peer: string, header: string | undefined, trusted: AddressSet): string {
  return trusted.hasText(peer) ? walkForwardedFor(peer, header, trusted) : peer;
}

/** clientFromForwardedFor once the peer is known to be trusted. */
function walkForwardedFor(peer: string, header: string | undefined, trusted: AddressSet): string {
  if (header === undefined) return peer;
  let end = header.length;
  for (;;) {
    const comma = end === 0 ? -1 : header.lastIndexOf(',', end - 1);
    const entry = header.slice(comma + 1, end).trim();
    const ip = parseIp(entry);
    if (ip === null || entry.indexOf('%') !== -1) return peer;
    // A dotted quad that parsed (four decimal octets, no leading zero) is already canonical text.
    if (comma === -1 || !trusted.has(ip)) return ip.family === 4 && entry.indexOf(':') === -1 ? entry : formatIp(ip);
    end = comma;
  }
}

/** A dual-stack socket's `::ffff:a.b.c.d` as the IPv4 address it is (one form per client, for logs and buckets). */
function unmapped(peer: string | undefined): string | undefined {
  if (peer === undefined || peer.length < 14 || peer.charCodeAt(0) !== 58 /* : */) return peer;
  return peer.startsWith('::ffff:') && peer.indexOf('.') !== -1 ? peer.slice(7) : peer;
}

/** Every X-Forwarded-For header of the request, joined as one list (RFC 9110 5.3); undefined if none. */
function forwardedFor(rawHeaders: readonly string[]): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 15 && name.toLowerCase() === 'x-forwarded-for') {
      joined = joined === undefined ? rawHeaders[i + 1] : `${joined},${rawHeaders[i + 1]}`;
    }
  }
  return joined;
}
