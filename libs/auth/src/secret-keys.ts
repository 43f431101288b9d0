import { createSecretKey, type KeyObject } from 'node:crypto';

const MAX_KEYS = 16;
const keys = new Map<string, KeyObject>();

/**
 * The HMAC key object of a configured secret, made once. jsonwebtoken turns a
 * string secret into a key on every call, and first tries it as a PEM public
 * key (an exception per call): a few hundred microseconds on each request.
 * Secrets come from configuration, so there are only a handful; the cache is
 * bounded all the same.
 */
export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
