/**
 * The client's address for limits counted `by: ip`. Without trusted proxies it is the
 * connection's address and `X-Forwarded-For` is ignored (anyone can write it). With
 * `trustedProxies`, the header is read from the right: each hop added by a trusted proxy is
 * skipped, and the first address that is not one is the client (the leftmost entries are
 * whatever the client wrote, never believed past an untrusted hop). A hop is read with its port
 * (`1.2.3.4:5555`, `[2001:db8::1]:443`) or zone id removed; one that is not an address at all
 * (`unknown`, an obfuscated `_hidden`) is the client as written, never the proxy before it.
 *
 * IPv6 clients are counted by network (`ipv6Prefix`, /64 by default): a host holds a whole /64,
 * and counting each address apart would give it 2^64 budgets.
 */
import { BlockList, isIP } from 'node:net';

/** What a request carries of its connection (Yoga's server context holds Node's `req`). */
export interface Connection {
  remoteAddress: string | undefined;
  forwardedFor: string | null;
}

/** Address of a request that came without a socket (in-process `yoga.fetch`). */
export const UNKNOWN_ADDRESS = 'unknown';
/** Longest hop text kept as a client's name when it is not an address. */
const MAX_HOP = 64;

export interface ClientAddressOptions {
  trustedProxies: readonly string[];
  /** Bits of an IPv6 address that name its client. @default 64 */
  ipv6Prefix?: number;
}

export function createClientAddress(options: ClientAddressOptions): (connection: Connection) => string {
  const prefix = options.ipv6Prefix ?? 64;
  const key = (address: string) => (address.includes(':') ? ipv6Network(address, prefix) : address);
  if (options.trustedProxies.length === 0)
    return (c) => {
      const address = normalize(c.remoteAddress);
      return address === undefined ? UNKNOWN_ADDRESS : key(address);
    };
  const trusted = new BlockList();
  for (const entry of options.trustedProxies) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(bits), family);
  }
  const isTrusted = (address: string) => trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return ({ remoteAddress, forwardedFor }) => {
    const peer = normalize(remoteAddress);
    if (peer === undefined) return UNKNOWN_ADDRESS;
    if (!isTrusted(peer) || forwardedFor === null) return key(peer);
    let client = peer;
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const text = hops[i]!.trim();
      if (text === '') continue;
      const hop = normalize(stripPort(text));
      // Not an address: the client as its proxy named it.
      if (hop === undefined) return `hop:${text.slice(0, MAX_HOP)}`;
      client = hop;
      if (!isTrusted(hop)) return key(hop);
    }
    return key(client);
  };
}

/** `1.2.3.4:5555` → `1.2.3.4`; `[2001:db8::1]:443` and `[2001:db8::1]` → `2001:db8::1`. */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}

/** The address as one spelling: IPv4-mapped IPv6 as IPv4, no zone id; undefined if none. */
function normalize(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  const unzoned = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(unzoned);
  if (mapped) return mapped[1];
  return isIP(unzoned) === 0 ? undefined : unzoned.toLowerCase();
}

/** The first `bits` of an IPv6 address, written out in full (`2001:0db8:0000:0000::/64`). */
export function ipv6Network(address: string, bits: number): string {
  const groups = expand(address);
  if (groups === undefined) return address;
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const keep = Math.max(0, Math.min(16, bits - i * 16));
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
    out.push((groups[i]! & mask).toString(16).padStart(4, '0'));
  }
  return `${out.join(':')}/${bits}`;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail included). */
function expand(address: string): number[] | undefined {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}
