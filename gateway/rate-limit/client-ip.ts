/**
 * The client's address for limits counted `by: ip`. Without trusted proxies it is the
 * connection's address and `X-Forwarded-For` is ignored (anyone can write it). With
 * `trustedProxies`, the header is read from the right: each hop added by a trusted proxy is
 * skipped, and the first address that is not one is the client (the leftmost entries are
 * whatever the client wrote, never believed past an untrusted hop).
 */
import { BlockList, isIP } from 'node:net';

/** What a request carries of its connection (Yoga's server context holds Node's `req`). */
export interface Connection {
  remoteAddress: string | undefined;
  forwardedFor: string | null;
}

/** Address of a request that came without a socket (in-process `yoga.fetch`). */
export const UNKNOWN_ADDRESS = 'unknown';

export function createClientAddress(trustedProxies: readonly string[]): (connection: Connection) => string {
  if (trustedProxies.length === 0) return (c) => normalize(c.remoteAddress) ?? UNKNOWN_ADDRESS;
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(address, family);
    else trusted.addSubnet(address, Number(bits), family);
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return ({ remoteAddress, forwardedFor }) => {
    let client = normalize(remoteAddress);
    if (client === undefined) return UNKNOWN_ADDRESS;
    if (!isTrusted(client) || forwardedFor === null) return client;
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalize(hops[i]!.trim());
      // A hop that is not an address (garbage written by a client): stop at the last good one.
      if (hop === undefined) return client;
      client = hop;
      if (!isTrusted(hop)) return hop;
    }
    return client;
  };
}

/** The address as one spelling: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as IPv4; undefined if none. */
function normalize(address: string | undefined): string | undefined {
  if (address === undefined || address === '') return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}
