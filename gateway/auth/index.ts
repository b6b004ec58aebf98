/**
 * The auth room (stage: request): who is calling. A JWT (keys from a JWKS endpoint, a JWKS file
 * or a shared secret), an API key (configured as SHA-256 hashes) or an opaque token checked by
 * OAuth 2.0 introspection is verified once and cached until it expires; the caller is recorded
 * with `setIdentity` (`core/identity.ts`) for the stages after it. A present but invalid
 * credential is a 401, never anonymous; with `required`, so is no credential. One the identity
 * provider cannot be asked about (JWKS never fetched, introspection down) is a 503, never
 * anonymous either. docs/security.md.
 */
import type { AuthConfig } from '../config/auth-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { createAuthenticate } from './authenticate.ts';
import { type BearerVerifier, bearerVerifier } from './bearer.ts';
import { normalizeAuth } from './config.ts';
import { useAuthPlugin } from './plugin.ts';

export { hashApiKey } from './api-keys.ts';
export { VERIFY_CHANNEL } from './authenticate.ts';
export type { BearerOutcome, BearerVerifier } from './bearer.ts';

/** The resolved `auth` section of the config (every default filled in). */
export type AuthOptions = AuthConfig;

export interface AuthContext {
  logger: Logger;
  /** Where `{ env: NAME }` secrets are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** The auth room, and its JWT verifier for other endpoints (the admin endpoint's `admin.scope`). */
export interface AuthRoom extends Room {
  /**
   * With `auth.jwt`: verifies a bearer JWT as the room does (same keys, one JWKS cache), for an
   * endpoint outside GraphQL. @default undefined without `auth.jwt`
   */
  verifyBearer?: BearerVerifier;
}

/** The auth room; without `jwt`, `apiKeys` or `introspection` it has no plugin (everyone is anonymous). */
export function createAuth(options: AuthOptions, context: AuthContext): AuthRoom {
  if (!options.jwt && !options.apiKeys && !options.introspection && !options.required)
    return { name: 'auth' };
  const closing = new AbortController();
  const auth = normalizeAuth(options, {
    env: context.env ?? process.env,
    logger: context.logger,
    signal: closing.signal,
  });
  return {
    name: 'auth',
    close: () => closing.abort(),
    ...(auth.jwt && { verifyBearer: bearerVerifier(auth.jwt) }),
    plugin: useAuthPlugin({
      authenticate: createAuthenticate(auth),
      required: auth.required,
      realm: auth.realm,
      logger: context.logger,
    }),
  };
}
