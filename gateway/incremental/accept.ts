/**
 * Whether an `Accept` header takes a stream of results: `multipart/mixed` or
 * `text/event-stream`, not refused with `q=0` (RFC 9110 §12.5.1).
 */
const STREAM_TYPES = new Set(['multipart/mixed', 'text/event-stream']);

export function acceptsStream(accept: string | null | undefined): boolean {
  if (!accept) return false;
  for (const range of accept.split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type === undefined || !STREAM_TYPES.has(type)) continue;
    const q = parameters.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
