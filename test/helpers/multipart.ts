/**
 * Reads a `multipart/mixed` GraphQL response (incremental delivery) part by part, as the parts
 * arrive: each part's JSON, in order, without waiting for the end of the body.
 */
export async function* multipartParts(response: Response): AsyncGenerator<Record<string, unknown>> {
  const type = response.headers.get('content-type') ?? '';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  if (!type.startsWith('multipart/mixed') || boundary === undefined || response.body === null)
    throw new Error(`not a multipart/mixed response: ${response.status} ${type}`);
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    // A part is complete once the next delimiter has arrived.
    for (;;) {
      const start = buffered.indexOf(`--${boundary}`);
      if (start === -1) break;
      const next = buffered.indexOf(`--${boundary}`, start + boundary.length + 2);
      if (next === -1) break;
      const part = buffered.slice(start + boundary.length + 2, next);
      buffered = buffered.slice(next);
      const body = part.slice(part.indexOf('\r\n\r\n') + 4).trim();
      if (body !== '') yield JSON.parse(body) as Record<string, unknown>;
    }
  }
}
