import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import type { PiiKey } from '@feedback/pii';

/**
 * Keyed hashes of email addresses, so the delivery log can be searched by
 * address without storing it in the clear. One HMAC key is derived from each
 * key of the PII ring: new records use the active key, and a lookup tries all
 * of them, so rotating the ring does not hide older deliveries.
 */
export class RecipientHasher {
  /** Key objects made once: an HMAC given raw bytes imports its key anew on every call. */
  private readonly keys: KeyObject[];

  constructor(ring: readonly PiiKey[]) {
    if (ring.length === 0) throw new Error('the PII key ring is empty');
    this.keys = ring.map((entry) => createSecretKey(Buffer.from(hkdfSync('sha256', entry.key, 'notifications', 'delivery-recipient-lookup/v1', 32))));
  }

  /** The hash stored with a new delivery. */
  hash(address: string): string {
    return this.hmac(this.keys[0]!, address);
  }

  /** Every hash the address may have been stored under. */
  candidates(address: string): string[] {
    return this.keys.map((key) => this.hmac(key, address));
  }

  private hmac(key: KeyObject, address: string): string {
    return createHmac('sha256', key).update(normalizeAddress(address)).digest('base64url');
  }
}

/** Addresses are compared case-insensitively and without surrounding spaces. */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}
