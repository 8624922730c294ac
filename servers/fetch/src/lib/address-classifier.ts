/**
 * Which IP addresses a fetch may connect to. Only globally routable unicast addresses are "public"; every
 * other class (loopback, RFC 1918, link-local and the cloud metadata address, CGNAT, multicast, reserved,
 * IPv6 unique-local, ...) is refused unless the operator opened its range with --allow-network.
 *
 * IPv6 forms that carry an IPv4 address inside (IPv4-mapped, IPv4-translated, NAT64, 6to4, Teredo) are
 * judged by the IPv4 address they embed, because that is where the packets can end up.
 *
 * Input is an address as printed by the resolver or by WHATWG URL parsing (which has already normalised
 * spellings such as 2130706433, 0177.0.0.1 or 0x7f.1 to 127.0.0.1); anything else is "invalid".
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'site-local'
  | 'invalid';

export interface AddressClassification {
  /** The address as given (zone id removed). */
  address: string;
  kind: AddressClass;
  /** True only for globally routable unicast addresses. */
  isPublic: boolean;
  /** For IPv6 forms that embed IPv4: how, and which IPv4 address was judged, e.g. "IPv4-mapped 10.0.0.1". */
  embedded?: string;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cidr = (text: string): Range => ipaddr.parseCIDR(text);

/** IPv4 classes, checked in order; anything unmatched is public unicast. */
const IPV4_CLASSES: Array<[AddressClass, Range[]]> = [
  ['unspecified', [cidr('0.0.0.0/8')]],
  ['loopback', [cidr('127.0.0.0/8')]],
  ['private', [cidr('10.0.0.0/8'), cidr('172.16.0.0/12'), cidr('192.168.0.0/16')]],
  // 169.254.169.254 (cloud metadata) lives here.
  ['link-local', [cidr('169.254.0.0/16')]],
  ['carrier-grade-nat', [cidr('100.64.0.0/10')]],
  ['broadcast', [cidr('255.255.255.255/32')]],
  ['multicast', [cidr('224.0.0.0/4')]],
  [
    'reserved',
    [
      cidr('192.0.0.0/24'), // IETF protocol assignments (incl. NAT64 discovery)
      cidr('192.0.2.0/24'), // TEST-NET-1
      cidr('192.88.99.0/24'), // 6to4 relay anycast (deprecated)
      cidr('198.18.0.0/15'), // benchmarking
      cidr('198.51.100.0/24'), // TEST-NET-2
      cidr('203.0.113.0/24'), // TEST-NET-3
      cidr('240.0.0.0/4'), // class E, future use
    ],
  ],
];

/** IPv6 classes that do not embed IPv4, checked in order after the embedding forms. */
const IPV6_CLASSES: Array<[AddressClass, Range[]]> = [
  ['unspecified', [cidr('::/128')]],
  ['loopback', [cidr('::1/128')]],
  ['link-local', [cidr('fe80::/10')]],
  ['site-local', [cidr('fec0::/10')]],
  ['unique-local', [cidr('fc00::/7')]],
  ['multicast', [cidr('ff00::/8')]],
  [
    'reserved',
    [
      cidr('64:ff9b:1::/48'), // local-use NAT64 (RFC 8215): translates into the operator's own network
      cidr('100::/64'), // discard-only
      cidr('2001::/23'), // IETF protocol assignments (Teredo is handled before this)
      cidr('2001:db8::/32'), // documentation
      cidr('3fff::/20'), // documentation
      cidr('5f00::/16'), // segment routing SIDs
    ],
  ],
];

/** Global unicast space; IPv6 outside it (IPv4-compatible ::a.b.c.d, unallocated blocks) is reserved. */
const IPV6_GLOBAL_UNICAST = cidr('2000::/3');

function inAny(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): boolean {
  return ranges.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}

function v4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([(high >> 8) & 0xff, high & 0xff, (low >> 8) & 0xff, low & 0xff]);
}

function classifyV4(ip: ipaddr.IPv4): AddressClass {
  for (const [kind, ranges] of IPV4_CLASSES) if (inAny(ip, ranges)) return kind;
  return 'public';
}

/** The IPv4 addresses an IPv6 address embeds, with the name of the form; empty when it embeds none. */
export function embeddedIPv4(ip: ipaddr.IPv6): Array<{ form: string; v4: ipaddr.IPv4 }> {
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  if (inAny(ip, [cidr('::ffff:0:0/96')])) return [{ form: 'IPv4-mapped', v4: v4FromParts(p[6], p[7]) }];
  if (inAny(ip, [cidr('::ffff:0:0:0/96')])) return [{ form: 'IPv4-translated', v4: v4FromParts(p[6], p[7]) }];
  if (inAny(ip, [cidr('64:ff9b::/96')])) return [{ form: 'NAT64', v4: v4FromParts(p[6], p[7]) }];
  if (inAny(ip, [cidr('2002::/16')])) return [{ form: '6to4', v4: v4FromParts(p[1], p[2]) }];
  if (inAny(ip, [cidr('2001::/32')])) {
    // Teredo: the server address in clear, the client address inverted in the last 32 bits.
    return [
      { form: 'Teredo server', v4: v4FromParts(p[2], p[3]) },
      { form: 'Teredo client', v4: v4FromParts(~p[6] & 0xffff, ~p[7] & 0xffff) },
    ];
  }
  return [];
}

/** Classifies one IP address (v4 or v6). Hostnames and odd spellings are "invalid": resolve/normalise first. */
export function classifyAddress(input: string): AddressClassification {
  const address = stripZone(input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input);
  if (isIP(address) === 0) return { address, kind: 'invalid', isPublic: false };
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const kind = classifyV4(ip as ipaddr.IPv4);
    return { address, kind, isPublic: kind === 'public' };
  }
  const v6 = ip as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded.length > 0) {
    // Every embedded address must be public; report the first that is not.
    for (const { form, v4 } of embedded) {
      const kind = classifyV4(v4);
      if (kind !== 'public') return { address, kind, isPublic: false, embedded: `${form} ${v4.toString()}` };
    }
    const first = embedded[0]!;
    return { address, kind: 'public', isPublic: true, embedded: `${first.form} ${first.v4.toString()}` };
  }
  for (const [kind, ranges] of IPV6_CLASSES) if (inAny(v6, ranges)) return { address, kind, isPublic: false };
  if (!inAny(v6, [IPV6_GLOBAL_UNICAST])) return { address, kind: 'reserved', isPublic: false };
  return { address, kind: 'public', isPublic: true };
}

function stripZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/** Human words for a class, used in refusals. */
export function describeClass(c: AddressClassification): string {
  const words: Record<AddressClass, string> = {
    public: 'a public address',
    loopback: 'a loopback address',
    private: 'a private (RFC 1918) address',
    'link-local': 'a link-local address (this includes the cloud metadata service 169.254.169.254)',
    'carrier-grade-nat': 'a carrier-grade NAT address (100.64.0.0/10)',
    unspecified: 'the unspecified address',
    multicast: 'a multicast address',
    broadcast: 'the broadcast address',
    reserved: 'a reserved or special-purpose address',
    'unique-local': 'an IPv6 unique-local address (fc00::/7)',
    'site-local': 'an IPv6 site-local address (fec0::/10)',
    invalid: 'not a valid IP address',
  };
  return c.embedded ? `${words[c.kind]} (${c.embedded})` : words[c.kind];
}

/** A set of CIDR ranges the operator opened with --allow-network. */
export class NetworkAllowList {
  private readonly ranges: Range[];
  constructor(cidrs: readonly string[]) {
    this.ranges = cidrs.map((text) => parseCidr(text));
  }
  get size(): number {
    return this.ranges.length;
  }
  /** True when the address, or the IPv4 address an IPv4-mapped IPv6 address carries, is inside a range. */
  contains(input: string): boolean {
    if (this.ranges.length === 0) return false;
    const address = stripZone(input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input);
    if (isIP(address) === 0) return false;
    const ip = ipaddr.parse(address);
    if (inAny(ip, this.ranges)) return true;
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return inAny((ip as ipaddr.IPv6).toIPv4Address(), this.ranges);
    return false;
  }
}

/** Parses "10.0.0.0/8", "fd00::/8" or a bare address (a /32 or /128); throws Error with a readable message. */
export function parseCidr(text: string): Range {
  const value = text.trim();
  if (value.includes('/')) {
    const [addr, bits] = value.split('/') as [string, string];
    if (isIP(addr) === 0 || !/^\d{1,3}$/.test(bits) || !ipaddr.isValidCIDR(value)) {
      throw new Error(`"${text}" is not a CIDR range like 10.0.0.0/8 or fd00::/8`);
    }
    return ipaddr.parseCIDR(value);
  }
  if (isIP(value) === 0) throw new Error(`"${text}" is not a CIDR range like 10.0.0.0/8 or fd00::/8`);
  const ip = ipaddr.parse(value);
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}
