/**
 * The outbound HTTP allowlist and the address policy.
 *
 * An entry names a host, optionally with a port: `api.shop.example`, `127.0.0.1:8081`, `[::1]:8080`,
 * `localhost`; `*.example.com` matches every subdomain (not `example.com` itself); `*` matches any
 * host. A URL's host must match an entry, and then every address the host resolves to is checked:
 * addresses that are not public (private, loopback, link-local, unspecified, multicast, reserved)
 * are allowed only through an exact entry, never through a wildcard. So `*` means "the public
 * internet", and an internal service is reachable only when it is named.
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** One parsed allowlist entry. */
export interface AllowEntry {
  /** Lower-case host name or canonical IP (IPv6 without brackets); for `suffix`, the part after `*.`. */
  readonly host: string;
  readonly kind: 'exact' | 'suffix' | 'any';
  readonly port?: number;
  /** The entry as configured, for messages. */
  readonly text: string;
}

/** Parses the configured entries; a malformed entry is a deployment error and throws. */
export function parseAllowlist(entries: readonly string[]): AllowEntry[] {
  return entries.map((raw) => {
    const text = raw.trim();
    if (!text || /[\s/@]/.test(text))
      throw new Error(`invalid httpAllow entry ${JSON.stringify(raw)}: expected host or host:port`);
    let host = text;
    let port: number | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    if (bracket) {
      host = bracket[1];
      port = bracket[2] === undefined ? undefined : Number(bracket[2]);
    } else if ((text.match(/:/g) ?? []).length === 1) {
      const at = text.lastIndexOf(':');
      host = text.slice(0, at);
      port = Number(text.slice(at + 1));
    }
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new Error(`invalid httpAllow entry ${JSON.stringify(raw)}: bad port`);
    }
    const withPort = port === undefined ? {} : { port };
    if (host === '*') return { host: '', kind: 'any', text, ...withPort };
    if (host.startsWith('*.'))
      return { host: normalizeHost(host.slice(2)), kind: 'suffix', text, ...withPort };
    if (host.includes('*'))
      throw new Error(`invalid httpAllow entry ${JSON.stringify(raw)}: '*' only as '*' or '*.domain'`);
    return { host: normalizeHost(host), kind: 'exact', text, ...withPort };
  });
}

/** Lower-case, without a trailing dot; IPv6 in the canonical form the URL parser produces. */
export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (isIP(h) === 6) {
    try {
      h = new URL(`http://[${h}]/`).hostname.slice(1, -1);
    } catch {
      return h;
    }
  } else if (isIP(h) === 0) {
    // URLs carry international names in their ASCII (punycode) form; compare like with like.
    h = domainToASCII(h) || h;
  }
  return h;
}

/** The most specific entry matching `host:port`: exact entries win over wildcards. */
export function matchAllowlist(
  entries: readonly AllowEntry[],
  host: string,
  port: number,
): AllowEntry | undefined {
  const h = normalizeHost(host);
  const fits = (e: AllowEntry): boolean => e.port === undefined || e.port === port;
  return (
    entries.find((e) => e.kind === 'exact' && e.host === h && fits(e)) ??
    entries.find((e) => e.kind === 'suffix' && h.endsWith(`.${e.host}`) && isIP(h) === 0 && fits(e)) ??
    entries.find((e) => e.kind === 'any' && fits(e))
  );
}

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where cloud metadata services live
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible range
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/**
 * Is `address` a public unicast address? IPv6 forms that carry an IPv4 address (mapped `::ffff:`,
 * SIIT `::ffff:0:`, NAT64 `64:ff9b::` and `64:ff9b:1::/48`, 6to4 `2002:`) are judged by that IPv4 address, so they cannot smuggle in a
 * private one. Anything unparsable is not public.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const groups = expandIPv6(address);
  if (!groups) return false;
  const embedded = embeddedIPv4(groups);
  if (embedded !== undefined) return isPublicAddress(embedded);
  return !NON_PUBLIC.check(address, 'ipv6');
}

function embeddedIPv4(g: readonly number[]): string | undefined {
  const v4 = (hi: number, lo: number): string => [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6], g[7]);
  // SIIT's IPv4-translated addresses (RFC 2765), `::ffff:0:a.b.c.d`.
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6], g[7]);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6], g[7]);
  // RFC 8215's local-use NAT64 prefix `64:ff9b:1::/48`: translators put the IPv4 address in the
  // last 32 bits (a /96 prefix inside it), so it is judged by that address.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address (with an optional dotted IPv4 tail), or `undefined`. */
export function expandIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const b = dotted.slice(1).map(Number);
    if (b.some((x) => x > 255)) return undefined;
    text = `${text.slice(0, dotted.index)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] => (s ? s.split(':').map((x) => parseInt(x, 16)) : []);
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return undefined;
  const groups = [...head, ...new Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return groups.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? groups : undefined;
}
