/** The bucket of requests that arrive with no address (a unix socket): they all share one. */
export const NO_ADDRESS_KEY = 'local';

const IPV4_MAPPED = '::ffff:';

/**
 * The key of a client address's bucket: an IPv4 address as it is; an IPv6 address by its /64
 * (one host is usually given a whole /64, so bucketing by address would give it 2^64 buckets),
 * written as its first four groups (`2001:db8:0:1::/64`); an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.2`, what a dual-stack socket reports) as its IPv4 address. Absent (a unix
 * socket): NO_ADDRESS_KEY. Pure; allocates nothing for an IPv4 address.
 */
export function addressBucketKey(address: string | undefined): string {
  if (address === undefined || address === '') return NO_ADDRESS_KEY;
  if (address.indexOf(':') === -1) return address;
  let text = address;
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  text = text.toLowerCase();
  if (text.startsWith(IPV4_MAPPED) && text.indexOf('.') !== -1) return text.slice(IPV4_MAPPED.length);
  const prefix = ipv6Prefix64(text);
  return prefix === null ? text : `${prefix}::/64`;
}

/** The first four groups of an IPv6 address, without leading zeros; null when it is not IPv6 text. */
function ipv6Prefix64(text: string): string | null {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return null;
  const head = gap === 0 ? [] : (gap === -1 ? text : text.slice(0, gap)).split(':');
  const tailText = gap === -1 ? '' : text.slice(gap + 2);
  const tail = tailText === '' ? [] : tailText.split(':');
  // An embedded IPv4 address (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two groups.
  const last = tail.length > 0 ? tail : head;
  const width = head.length + tail.length + (last.length > 0 && last[last.length - 1].includes('.') ? 1 : 0);
  if (gap === -1 ? width !== 8 : width > 7) return null;
  const groups: string[] = [];
  for (let index = 0; index < 4; index++) {
    let group: string;
    if (index < head.length) group = head[index];
    else if (gap === -1) return null;
    else {
      const fromTail = index - (8 - (width - head.length) - head.length) - head.length;
      group = fromTail >= 0 ? tail[fromTail] : '0';
    }
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    groups.push(parseInt(group, 16).toString(16));
  }
  return groups.join(':');
}
