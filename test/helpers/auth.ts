/**
 * Test helpers for the auth room: keys generated with jose, tokens signed with them (or crafted
 * by hand for what jose refuses to write: `alg: none`, a `crit` header, HMAC over a public key),
 * a JWKS server and an introspection server on loopback port 0, each counting its requests, a
 * counter of the verifications the gateway runs (its diagnostics channel), and a one-call client
 * for both paths of the GraphQL endpoint: the JSON fast path (POST) and Yoga's (GET).
 */
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { VERIFY_CHANNEL } from '../../gateway/auth/index.ts';

export interface TestKey {
  kid: string;
  /** The public key as a JWK (with `kid`, `alg`, `use`). */
  publicJwk: JWK;
  privateKey: CryptoKey;
  /** The private key as node:crypto's, for tokens signed by hand. */
  privateKeyObject: KeyObject;
}

export async function rsaKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateKeyObject = createPrivateKey({ key: await exportJWK(privateKey), format: 'jwk' });
  return { kid, publicJwk, privateKey, privateKeyObject };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A JWT signed by `key` with RS256: one hour of validity unless `payload` says otherwise. */
export function signJwt(
  key: TestKey,
  payload: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ exp: nowSeconds() + 3600, iat: nowSeconds(), ...payload })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header })
    .sign(key.privateKey);
}

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS written by hand: `header` as given, signed with RS256 by `rsa`, or with HMAC-SHA256
 * over the bytes of `hmacSecret`, or unsigned (empty signature) with neither.
 */
export async function craftJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: { rsa?: KeyObject; hmacSecret?: Uint8Array } = {},
): Promise<string> {
  const input = `${b64url(header)}.${b64url(payload)}`;
  let signature = '';
  if (signer.rsa) signature = cryptoSign('sha256', Buffer.from(input), signer.rsa).toString('base64url');
  if (signer.hmacSecret) {
    const { createHmac } = await import('node:crypto');
    signature = createHmac('sha256', signer.hmacSecret).update(input).digest('base64url');
  }
  return `${input}.${signature}`;
}

interface CountingServer {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

async function listen(server: Server, path: string): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface JwksServer extends CountingServer {
  /** The keys served from now on. */
  setKeys(keys: readonly TestKey[]): void;
  /** While down, every request answers HTTP 503. */
  setDown(down: boolean): void;
}

/** A JWKS endpoint on loopback serving the public keys given, counting its requests. */
export async function startJwksServer(keys: readonly TestKey[]): Promise<JwksServer> {
  let served = keys.map((k) => k.publicJwk);
  let down = false;
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    if (down) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served }));
  });
  const { url, close } = await listen(server, '/.well-known/jwks.json');
  return {
    url,
    close,
    requests: () => count,
    setKeys: (next) => {
      served = next.map((k) => k.publicJwk);
    },
    setDown: (value) => {
      down = value;
    },
  };
}

export interface IntrospectionServer extends CountingServer {
  /** The `Authorization` header of the last request. */
  lastAuthorization(): string | undefined;
}

/** An RFC 7662 endpoint on loopback: answers `answers[token]`, or `{ active: false }`. */
export async function startIntrospectionServer(
  answers: Record<string, Record<string, unknown>>,
  /** Time each answer is held back, in ms (so that concurrent requests overlap). */
  delay = 0,
): Promise<IntrospectionServer> {
  let count = 0;
  let authorization: string | undefined;
  const server = createServer(async (req: IncomingMessage, res) => {
    count++;
    authorization = req.headers.authorization;
    let body = '';
    for await (const chunk of req) body += chunk;
    const token = new URLSearchParams(body).get('token') ?? '';
    const answer = Object.hasOwn(answers, token) ? answers[token] : { active: false };
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  const { url, close } = await listen(server, '/introspect');
  return { url, close, requests: () => count, lastAuthorization: () => authorization };
}

/** Counts the verifications the gateway runs (cache misses), by kind, until `stop()`. */
export function countVerifications(): { count(kind?: string): number; stop(): void } {
  const seen: string[] = [];
  const listener = (message: unknown) => seen.push((message as { kind: string }).kind);
  diagnostics.subscribe(VERIFY_CHANNEL, listener);
  return {
    count: (kind) => seen.filter((k) => kind === undefined || k === kind).length,
    stop: () => diagnostics.unsubscribe(VERIFY_CHANNEL, listener),
  };
}

export interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  retryAfter: string | null;
  body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

export type Path = 'fast path (POST)' | 'Yoga (GET)';
export const PATHS: readonly Path[] = ['fast path (POST)', 'Yoga (GET)'];

/** Sends `query` to the gateway at `url` over HTTP, by `path`, with `headers`. */
export async function ask(
  url: string,
  path: Path,
  headers: Record<string, string> = {},
  query = '{ hello }',
): Promise<Answer> {
  const accept = { accept: 'application/graphql-response+json' };
  const response =
    path === 'fast path (POST)'
      ? await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...accept, ...headers },
          body: JSON.stringify({ query }),
        })
      : await fetch(`${url}?query=${encodeURIComponent(query)}`, { headers: { ...accept, ...headers } });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;
