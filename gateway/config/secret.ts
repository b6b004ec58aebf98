/**
 * A secret in the config: written as the value, or `{ env: NAME }`, the environment variable that
 * holds it, read at startup by the room that uses it (so the file need not hold the secret).
 * Used by `auth` (HMAC secret, client secret) and `redis.sentinel` (passwords).
 */
import { z } from 'zod';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `$NAME` or `${NAME}` written as a secret: a shell habit; the value would be those characters. */
const ENV_REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

/** A secret written in the config, or the name of the environment variable that holds it. */
export const secretValue = (what: string) =>
  z
    .union([
      z
        .string()
        .min(1)
        .refine((value) => !ENV_REFERENCE.test(value), {
          message:
            'looks like an environment variable, which the config does not expand: write `{ env: NAME }`',
        }),
      z.strictObject({
        env: z
          .string()
          .regex(ENV_NAME, 'must be an environment variable name (letters, digits, "_")')
          .describe('Name of the environment variable holding the secret, read at startup'),
      }),
    ])
    .describe(`${what}: the value, or \`{ env: NAME }\` to read it from the environment at startup`);

export type Secret = string | { env: string };

/** The secret's value; undefined when its variable is unset or empty. */
export function readSecret(secret: Secret, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof secret === 'string') return secret;
  const value = env[secret.env];
  return value === undefined || value === '' ? undefined : value;
}
