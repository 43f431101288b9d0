import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** One AES-256 key of the ring. */
export interface PiiKey {
  id: string;
  key: Buffer;
}

/** A value sealed with AES-256-GCM; `keyId` says which key of the ring can open it. */
export interface Sealed {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/**
 * A sealed value names a key the ring does not hold: the key was removed (or
 * never deployed here) while data still needs it. The message names the key id
 * only, never key material.
 */
export class UnknownKeyError extends Error {
  override readonly name = 'UnknownKeyError';
  constructor(readonly keyId: string) {
    super(`no key ${keyId} in the PII key ring`);
  }
}

/**
 * Encrypts personal data at rest. The first key of the ring seals; every key of
 * the ring opens, so rotating means putting a new key first and keeping the old
 * ones until their data has been purged or re-sealed (README, "Rotating the PII key").
 */
export class KeyRing {
  /**
   * Key objects made once: given raw bytes, each cipher would import the key
   * anew (about four times the cost of sealing a short value).
   */
  private readonly byId: Map<string, KeyObject>;

  constructor(private readonly keys: readonly PiiKey[]) {
    if (keys.length === 0) throw new Error('the PII key ring is empty');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`PII key ${k.id} is not 32 bytes`);
    // A sealed value names its key by id: two keys under one id would make it ambiguous.
    if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('PII key ids must be unique in the ring');
    this.byId = new Map(keys.map((k) => [k.id, createSecretKey(k.key)]));
  }

  get activeKeyId(): string {
    return this.keys[0]!.id;
  }

  /** Whether the ring holds key `keyId` (so values sealed with it can be opened). */
  has(keyId: string): boolean {
    return this.byId.has(keyId);
  }

  /** `context` (e.g. the record id) is bound as associated data: a sealed value can't be moved to another record. */
  seal(plaintext: string, context = ''): Sealed {
    const active = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(active.id)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: active.id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(sealed: Sealed, context = ''): string {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new UnknownKeyError(sealed.keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  sealJson(value: unknown, context = ''): Sealed {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: Sealed, context = ''): T {
    return JSON.parse(this.open(sealed, context)) as T;
  }
}
