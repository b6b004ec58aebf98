/**
 * Reading a small answer from a server the gateway trusts only so far (a JWKS endpoint, an
 * introspection endpoint): a `content-length` past the limit is refused before any byte is read,
 * and the stream is cancelled as soon as the bytes read pass it, so a huge or endless body costs
 * at most `maxBytes` of memory and no time past that.
 */

/** The body of `response` as text; throws (and stops reading) once it passes `maxBytes`. */
export async function readBounded(response: Response, maxBytes: number, what: string): Promise<string> {
  const tooLarge = () => new Error(`${what} is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** True for a URL a network attacker could read or change: plain `http://` to another host. */
export function isPlaintextRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:') return false;
  return !(
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}
