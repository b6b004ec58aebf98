/**
 * The auth options, normalised once at startup into the verifiers the room runs: secrets read
 * from the environment (and checked against the algorithms, as the config check cannot see
 * them), the key source built, the API key hashes decoded. A problem is a `GatehouseError`
 * (`CONFIG_INVALID`) naming the path and what to change, like the config check's.
 */
import { GatehouseError } from '../../core/errors.ts';
import { type AuthConfig, secretProblem } from '../config/auth-schema.ts';
import type { Logger } from '../logger/index.ts';
import { type ApiKeyLookup, createApiKeyLookup } from './api-keys.ts';
import { isPlaintextRemote } from './bounded-body.ts';
import type { ExtractOptions } from './extract.ts';
import { createIntrospector, type Introspector } from './introspection.ts';
import { fileKeySet, type KeySource, type KnownKey, type RemoteKeySet, remoteKeySet } from './jwks.ts';
import { createJwtVerifier, type JwtVerifier } from './jwt.ts';

export interface ResolvedAuth {
  required: boolean;
  realm: string;
  maxTokenSize: number;
  cacheSize: number;
  extract: ExtractOptions;
  jwt?: JwtVerifier;
  /** The JWKS endpoint's key set, when JWT keys come from one. */
  jwks?: RemoteKeySet;
  apiKeys?: ApiKeyLookup;
  introspect?: Introspector;
  /** Longest reuse of an introspection answer, in ms. */
  introspectionMaxAge: number;
  /** How long an introspection refusal is kept, in ms (0: not kept). */
  introspectionNegativeTtl: number;
}

export interface NormalizeContext {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Aborted when the gateway closes (stops a key set fetch in flight). */
  signal?: AbortSignal;
}

type Secret = string | { env: string };

export function normalizeAuth(config: AuthConfig, context: NormalizeContext): ResolvedAuth {
  const problems: string[] = [];
  const secret = (value: Secret, path: string): string => {
    if (typeof value === 'string') return value;
    const found = context.env[value.env];
    if (found === undefined || found === '')
      problems.push(`${path}: set the environment variable ${value.env}`);
    return found ?? '';
  };
  const { jwt, introspection } = config;
  // Allowed (a private network may be trusted), but keys or answers in clear text can be changed
  // on the way: whoever can do that can sign in as anyone.
  for (const [path, url] of [
    ['auth.jwt.jwks.url', jwt?.jwks.url],
    ['auth.introspection.url', introspection?.url],
  ] as const) {
    if (url !== undefined && isPlaintextRemote(url))
      context.logger.warn(`auth: ${path} is plain http:// to a host that is not loopback; use https://`, {
        url,
      });
  }
  // With a key set the issuer shares between its clients, a token it signed for any of them
  // (another API, an ID token) would be accepted here.
  if (jwt !== undefined && jwt.audience === undefined && jwt.issuer === undefined) {
    context.logger.warn(
      'auth: auth.jwt has neither audience nor issuer: any token signed with these keys is accepted, whoever it was issued for; set auth.jwt.audience (and issuer)',
    );
  }
  let jwtVerifier: JwtVerifier | undefined;
  let jwks: RemoteKeySet | undefined;
  if (jwt !== undefined) {
    let keys: KeySource;
    let known: KnownKey | undefined;
    if (jwt.jwks.secret !== undefined) {
      const value = secret(jwt.jwks.secret, 'auth.jwt.jwks.secret');
      const problem = value === '' ? undefined : secretProblem(value, jwt.algorithms);
      if (problem) problems.push(`auth.jwt.jwks.secret ${problem}`);
      keys = new TextEncoder().encode(value);
    } else if (jwt.jwks.file !== undefined) {
      ({ getKey: keys, known } = fileKeySet(jwt.jwks.file, jwt.algorithms));
    } else {
      jwks = remoteKeySet({
        url: jwt.jwks.url!,
        timeout: jwt.jwks.timeout,
        maxAge: jwt.jwks.maxAge,
        cooldown: jwt.jwks.cooldown,
        logger: context.logger,
        signal: context.signal,
      });
      keys = jwks.getKey;
      known = jwks.known;
    }
    jwtVerifier = createJwtVerifier({
      keys,
      known,
      algorithms: jwt.algorithms,
      issuer: jwt.issuer,
      audience: jwt.audience,
      typ: jwt.typ,
      clockTolerance: jwt.clockTolerance,
      requireExp: jwt.requireExp,
      claims: config.claims,
    });
  }
  const introspect =
    introspection &&
    createIntrospector({
      url: introspection.url,
      clientId: introspection.clientId,
      clientSecret:
        introspection.clientSecret && secret(introspection.clientSecret, 'auth.introspection.clientSecret'),
      timeout: introspection.timeout,
      audience: introspection.audience,
      claims: config.claims,
    });
  if (problems.length > 0) throw new GatehouseError('CONFIG_INVALID', 'invalid auth configuration', problems);
  return {
    required: config.required,
    realm: config.realm,
    maxTokenSize: config.maxTokenSize,
    cacheSize: config.cacheSize,
    extract: {
      tokenHeader: config.token.header,
      tokenCookie: config.token.cookie,
      apiKeyHeader: config.apiKeys?.header,
    },
    jwt: jwtVerifier,
    jwks,
    apiKeys: config.apiKeys && createApiKeyLookup(config.apiKeys),
    introspect,
    introspectionMaxAge: introspection?.maxAge ?? 0,
    introspectionNegativeTtl: introspection?.negativeCacheTtl ?? 0,
  };
}
