/**
 * How the Redis cache store keeps an entry in one string value, and the tombstone a purge leaves.
 *
 * Layout: a format byte, a fence (float64 BE), then for an entry storedAt and maxAge (float64 BE),
 * the etag's length (uint16 BE), the etag and the body. The fence is the latest purge (ms since
 * the epoch, Redis's clock) that reached this key: the write script refuses a value from a run
 * begun at or before it, and keeps it in the value it writes (redis-scripts.ts); `encode` leaves
 * it 0. A tombstone is the format byte and the fence alone.
 *
 * Bodies above `compressAbove` bytes are compressed with Brotli at quality 5 (the format byte
 * says so; a body that does not shrink is kept as is). On JSON answers Brotli 5 compresses as
 * fast as deflate at level 6 and decompresses faster, to about half of deflate's output (measured
 * on a 140 KB answer: 4.6% against 8.1% of the body, about 1 ms each way): fewer bytes sent, held
 * in Redis and read back. Higher qualities cost several times the CPU for a few percent. Both ways
 * run on libuv's thread pool (the async zlib API), off the event loop. Decompression stops at
 * `maxBodyBytes` of output, so a small value cannot expand into gigabytes (a Brotli bomb).
 *
 * A value of an unknown format (written by another version: formats 1 and 2 had no fence), a
 * tombstone, a body that does not decompress or would exceed `maxBodyBytes` read as a miss.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import type { CacheEntry } from './types.ts';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** The format byte: the layout of the value and how its body is kept. */
export const FORMAT = { plain: 3, brotli: 4, tombstone: 5 } as const;
/** Format byte, fence (float64): a tombstone's whole value, every value's start. */
export const FENCED = 1 + 8;
/** Then storedAt (float64), maxAge (float64), etag length (uint16). */
const HEADER = FENCED + 8 + 8 + 2;

/** The value kept for `entry`: the header, then the body, compressed when large and it shrinks. */
export async function encode(entry: CacheEntry, compressAbove: number): Promise<Buffer> {
  const etag = Buffer.from(entry.etag);
  if (etag.length > 0xffff) throw new TypeError(`cache store: an etag of ${etag.length} bytes`);
  let body = Buffer.from(entry.body);
  let format: number = FORMAT.plain;
  if (body.length > compressAbove) {
    const packed = await compress(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    if (packed.length < body.length) {
      body = packed;
      format = FORMAT.brotli;
    }
  }
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt8(format, 0);
  header.writeDoubleBE(0, 1); // no fence: the write script sets the one the key had
  header.writeDoubleBE(entry.storedAt, 9);
  header.writeDoubleBE(entry.maxAge, 17);
  header.writeUInt16BE(etag.length, 25);
  return Buffer.concat([header, etag, body]);
}

/**
 * The entry in `value`; undefined for a tombstone, a format this version does not know, a damaged
 * body, or a body of more than `maxBodyBytes` (compressed or not).
 */
export async function decode(value: Buffer, maxBodyBytes: number): Promise<CacheEntry | undefined> {
  if (value.length < HEADER) return undefined;
  const format = value.readUInt8(0);
  if (format !== FORMAT.plain && format !== FORMAT.brotli) return undefined;
  const etagEnd = HEADER + value.readUInt16BE(25);
  if (etagEnd > value.length) return undefined;
  let body = value.subarray(etagEnd);
  if (format === FORMAT.brotli) {
    try {
      body = await decompress(body, { maxOutputLength: maxBodyBytes });
    } catch {
      return undefined; // damaged, or larger than maxBodyBytes (ERR_BUFFER_TOO_LARGE)
    }
  } else if (body.length > maxBodyBytes) return undefined;
  return {
    body: body.toString(),
    storedAt: value.readDoubleBE(9),
    maxAge: value.readDoubleBE(17),
    etag: value.toString('utf8', HEADER, etagEnd),
  };
}
