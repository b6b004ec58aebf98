/**
 * Security on, for target `gatehouse-secured` and the scenarios that send JWTs: an RS256 key pair
 * made for this run (its public half in a JWKS file), the YAML config that turns on `auth`
 * (required JWT) and field policies on every part of TestQuery, and the tokens: one signed on
 * demand for each of the harness's own checks, and a pool signed in a worker thread at startup
 * for the load (one per line of a file wrk reads; the other generators read it too). Every token
 * satisfies every policy, so the answer stays the fixture's.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { stringify } from 'yaml';
import type { BenchSubgraphName } from '../../subgraphs/bench/schemas.ts';

const ISSUER = 'https://issuer.bench.gatehouse.test/';
const AUDIENCE = 'gatehouse-bench';
const KID = 'bench-rs256';
/** Tokens stay valid this long: far beyond any run. */
const TOKEN_LIFETIME_S = 6 * 3600; // 6 h
/** Every scope a policy below asks for. */
const SCOPES = 'users:read profile:read products:read reviews:read inventory:read';
/** The claims the named policies read (and tenant/plan, read into the identity). */
const CLAIMS = { scope: SCOPES, role: 'member', groups: ['bench', 'staff'], tenant: 'bench', plan: 'pro' };

/**
 * Requirements on TestQuery's root fields, its three types and some leaves, each declared on the
 * subgraph that resolves it: `authenticated`, `requiresScopes` and named `policy`, as the
 * `@authenticated`, `@requiresScopes` and `@policy` directives would set them.
 */
const POLICIES: Record<BenchSubgraphName, Record<string, unknown>> = {
  accounts: {
    'Query.users': { requiresScopes: [['users:read'], ['admin']] },
    User: { authenticated: true },
    'User.name': { requiresScopes: [['profile:read']] },
    'User.username': { policy: [['member']] },
  },
  products: {
    'Query.topProducts': { requiresScopes: [['products:read']] },
    Product: { authenticated: true },
    'Product.name': { policy: [['member', 'staff'], ['admin']] },
    'Product.price': { requiresScopes: [['products:read', 'profile:read']] },
  },
  reviews: {
    Review: { authenticated: true },
    'Review.body': { requiresScopes: [['reviews:read']] },
    'Review.author': { policy: [['member']] },
    'User.reviews': { requiresScopes: [['reviews:read']] },
    'Product.reviews': { policy: [['staff']] },
  },
  inventory: {
    'Product.inStock': { requiresScopes: [['inventory:read']] },
    'Product.shippingEstimate': { policy: [['member']] },
  },
};

const NAMED_POLICIES = {
  member: { claim: 'role', equals: 'member' },
  staff: { claim: 'groups', oneOf: ['staff', 'admins'] },
  admin: { claim: 'role', equals: 'admin' },
};

export interface JwtFixture {
  /** Gatehouse's config with auth and policies on (target `gatehouse-secured`). */
  securedConfigFile: string;
  /**
   * A fresh token, never sent before (`Bearer ...`), for one check. Synchronous: ~0.3 ms.
   * `claims` replace some of the usual ones (a token that fails a policy, for a test).
   */
  authorization(claims?: Record<string, unknown>): string;
  /** The pool of load tokens, signed in a worker thread; resolves when the file is written. */
  pool: Promise<TokenPool>;
}

export interface TokenPool {
  /** One token per line (without `Bearer `). */
  file: string;
  size: number;
}

/** Claims of token `n` (unique `sub` and `jti`) issued at `iat` (seconds). */
const claimsOf = (id: string, iat: number) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: `bench-user-${id}`,
  jti: id,
  iat,
  exp: iat + TOKEN_LIFETIME_S,
  ...CLAIMS,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = b64({ alg: 'RS256', typ: 'JWT', kid: KID });

function signToken(privateKey: KeyObject, claims: object): string {
  const input = `${HEADER}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/**
 * The worker's code, plain JavaScript (it runs without tsx): signs `count` tokens as
 * `signToken(claimsOf(...))` above does and writes them to `file`, one per line.
 */
const WORKER = `
const { createPrivateKey, sign } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const { parentPort, workerData: w } = require('node:worker_threads');
const key = createPrivateKey(w.pem);
const lines = [];
for (let i = 0; i < w.count; i++) {
  const claims = { ...w.template, sub: 'bench-user-' + w.prefix + i, jti: w.prefix + i };
  const input = w.header + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
  lines.push(input + '.' + sign('sha256', Buffer.from(input), key).toString('base64url'));
}
writeFileSync(w.file, lines.join('\\n') + '\\n');
parentPort.postMessage(lines.length);
`;

/**
 * Makes the key pair, the JWKS file and the secured config in `workDir`, and starts signing a
 * pool of `poolSize` load tokens (none when 0: no scenario sends JWTs).
 */
export function createJwtFixture(
  workDir: string,
  subgraphUrls: Readonly<Record<BenchSubgraphName, string>>,
  poolSize: number,
): JwtFixture {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwksFile = join(workDir, 'jwks.json');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const securedConfigFile = join(workDir, 'gatehouse-secured.config.yaml');
  writeFileSync(
    securedConfigFile,
    stringify({
      server: { host: '127.0.0.1', graphiql: false },
      auth: {
        required: true,
        jwt: { jwks: { file: jwksFile }, issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'] },
      },
      policies: { named: NAMED_POLICIES },
      subgraphs: (Object.keys(POLICIES) as BenchSubgraphName[]).map((name) => ({
        name,
        kind: 'federation',
        url: subgraphUrls[name],
        policies: POLICIES[name],
      })),
    }),
  );
  const iat = Math.floor(Date.now() / 1000);
  const authorization = (claims?: Record<string, unknown>) =>
    `Bearer ${signToken(privateKey, { ...claimsOf(`check-${randomUUID()}`, iat), ...claims })}`;
  const file = join(workDir, 'tokens.txt');
  const pool =
    poolSize === 0
      ? Promise.resolve({ file, size: 0 })
      : signPool(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), file, poolSize, iat);
  // Rejections are seen when the pool is awaited; not before (no unhandled rejection meanwhile).
  pool.catch(() => {});
  return { securedConfigFile, authorization, pool };
}

function signPool(pem: string, file: string, count: number, iat: number): Promise<TokenPool> {
  // A prefix per run: pools of two runs never share a token.
  const prefix = `${randomUUID().slice(0, 8)}-`;
  const { sub: _sub, jti: _jti, ...template } = claimsOf('', iat);
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { pem, file, count, header: HEADER, prefix, template },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (size: number) => resolve({ file, size }));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the token signer exited with code ${code}`)));
  });
}

const read = new Map<string, readonly string[]>();

/** The pool's tokens as `Bearer ...` values (read once per file), for the in-process generators. */
export function poolAuthorizations(file: string): readonly string[] {
  let lines = read.get(file);
  if (lines === undefined) {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((t) => `Bearer ${t}`);
    read.set(file, lines);
  }
  return lines;
}

/** The token sent as request `n` (0-based) of a run that starts at `start`; wraps past the end. */
export const poolIndex = (start: number, n: number, size: number) => (start + n) % size;

/**
 * Load tokens one process can get in a run, at most: gatehouse serves ~500 TestQuery/s on one
 * core here; twice that leaves room for a faster build or machine before the pool wraps (and
 * signing stays short: 0.3 ms a token, 20,000 for the default 5 rounds of 4 s).
 */
const TOKEN_RPS_BOUND = 1000;

/** Tokens to sign for a run of `rounds` × `durationS` per target (each target starts at token 0). */
export const tokenPoolSize = (rounds: number, durationS: number) =>
  Math.ceil(rounds * durationS * TOKEN_RPS_BOUND) + rounds * 100;
