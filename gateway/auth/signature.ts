/**
 * The signature of a JWS with an asymmetric algorithm, checked with node:crypto's synchronous
 * `verify` rather than WebCrypto's `subtle.verify` (what jose calls): the same primitive, without
 * WebCrypto's per-call promise, argument normalisation and thread-pool hop (0.06 ms of CPU per
 * RS256 token here, against 0.22 ms).
 *
 * Only with a key that is exactly the one jose would have used, or not at all: a public
 * `CryptoKey`, usable to verify, imported for this very algorithm (jose's key sets import each
 * JWK for the token's `alg`, after matching its `kty` and curve), and for RSA 2048 bits or more,
 * as jose requires. So an HMAC algorithm never gets here, nor a key of another type or for
 * another algorithm; any such case answers 'unsupported' and jose decides, as before.
 */
import { constants, KeyObject, verify } from 'node:crypto';

interface Algorithm {
  /** WebCrypto name the key must have been imported under. */
  name: string;
  hash?: string;
  namedCurve?: string;
  /** node:crypto's digest (null: the algorithm's own, Ed25519). */
  digest: string | null;
  /** RSA-PSS: salt as long as the hash (RFC 7518 §3.5). */
  saltLength?: number;
}

const rsa = (bits: number): Algorithm => ({
  name: 'RSASSA-PKCS1-v1_5',
  hash: `SHA-${bits}`,
  digest: `sha${bits}`,
});
const pss = (bits: number): Algorithm => ({ ...rsa(bits), name: 'RSA-PSS', saltLength: bits / 8 });
const ecdsa = (curve: string, bits: number): Algorithm => ({
  name: 'ECDSA',
  namedCurve: curve,
  digest: `sha${bits}`,
});

const ALGORITHMS: Readonly<Record<string, Algorithm>> = {
  RS256: rsa(256),
  RS384: rsa(384),
  RS512: rsa(512),
  PS256: pss(256),
  PS384: pss(384),
  PS512: pss(512),
  ES256: ecdsa('P-256', 256),
  ES384: ecdsa('P-384', 384),
  ES512: ecdsa('P-521', 512),
  EdDSA: { name: 'Ed25519', digest: null },
  Ed25519: { name: 'Ed25519', digest: null },
};

/** RFC 7518 §3.3 and jose: shorter RSA keys are refused. */
const MIN_RSA_BITS = 2048;

interface KeyAlgorithm {
  name: string;
  hash?: { name: string };
  namedCurve?: string;
  modulusLength?: number;
}

function usable(key: unknown, algorithm: Algorithm): key is CryptoKey {
  if (!(key instanceof CryptoKey) || key.type !== 'public' || !key.usages.includes('verify')) return false;
  const imported = key.algorithm as KeyAlgorithm;
  if (imported.name !== algorithm.name) return false;
  if (algorithm.hash !== undefined && imported.hash?.name !== algorithm.hash) return false;
  if (algorithm.namedCurve !== undefined && imported.namedCurve !== algorithm.namedCurve) return false;
  if (algorithm.name.startsWith('RSA') && (imported.modulusLength ?? 0) < MIN_RSA_BITS) return false;
  return true;
}

/**
 * `check(alg, key, signingInput, signature)`: true when the base64url `signature` of
 * `signingInput` holds for `key` under `alg`, false when it does not, 'unsupported' when this
 * module does not handle the algorithm or the key (the caller lets jose verify).
 */
export function createSignatureCheck() {
  // Process-wide keys (a key set's), converted once each.
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  return function checkSignature(
    alg: string,
    key: unknown,
    signingInput: string,
    signature: string,
  ): boolean | 'unsupported' {
    const algorithm = Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
    if (algorithm === undefined || !usable(key, algorithm)) return 'unsupported';
    let keyObject = keyObjects.get(key);
    if (keyObject === undefined) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    try {
      return verify(
        algorithm.digest,
        Buffer.from(signingInput, 'ascii'),
        {
          key: keyObject,
          ...(algorithm.saltLength !== undefined && {
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: algorithm.saltLength,
          }),
          // JWS carries ECDSA signatures as r || s, not DER (RFC 7518 §3.4).
          ...(algorithm.name === 'ECDSA' && { dsaEncoding: 'ieee-p1363' as const }),
        },
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      // A signature of the wrong length or shape: not valid.
      return false;
    }
  };
}
