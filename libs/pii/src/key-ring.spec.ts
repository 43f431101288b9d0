import { randomBytes } from 'node:crypto';
import { KeyRing, UnknownKeyError } from './key-ring';
import { maskEmail, maskUrlSecrets } from './redaction';

const oldKey = { id: 'k1', key: randomBytes(32) };
const newKey = { id: 'k2', key: randomBytes(32) };

describe('KeyRing', () => {
  it('seals so that the plaintext does not appear, and opens it again', () => {
    const ring = new KeyRing([oldKey]);
    const sealed = ring.seal('ann@example.com', 'contact:u1');
    expect(JSON.stringify(sealed)).not.toContain('ann@example.com');
    expect(ring.open(sealed, 'contact:u1')).toBe('ann@example.com');
  });

  it('keeps old data readable after rotation while new data uses the new key', () => {
    const before = new KeyRing([oldKey]).seal('old value');
    const rotated = new KeyRing([newKey, oldKey]);
    expect(rotated.open(before)).toBe('old value');
    expect(rotated.seal('new value').keyId).toBe('k2');
  });

  it('refuses a value moved to another record or tampered with', () => {
    const ring = new KeyRing([oldKey]);
    const sealed = ring.seal('secret', 'contact:u1');
    expect(() => ring.open(sealed, 'contact:u2')).toThrow();
    const tampered = { ...sealed, ciphertext: Buffer.from('xxxxxx').toString('base64') };
    expect(() => ring.open(tampered, 'contact:u1')).toThrow();
  });

  it('refuses a ring with two keys under one id (a sealed value names its key by id)', () => {
    expect(() => new KeyRing([{ id: 'k1', key: randomBytes(32) }, { id: 'k1', key: randomBytes(32) }])).toThrow(/unique/);
  });

  it('names a missing key', () => {
    expect(() => new KeyRing([newKey]).open(new KeyRing([oldKey]).seal('x'))).toThrow(/no key k1/);
  });

  it('tells a removed key apart from a value that does not open (UnknownKeyError, key id only)', () => {
    const sealed = new KeyRing([oldKey]).seal('x');
    const withoutOld = new KeyRing([newKey]);
    expect(withoutOld.has('k1')).toBe(false);
    expect(new KeyRing([newKey, oldKey]).has('k1')).toBe(true);
    expect(() => withoutOld.open(sealed)).toThrow(UnknownKeyError);
    try {
      withoutOld.open(sealed);
    } catch (error) {
      expect(error).toMatchObject({ name: 'UnknownKeyError', keyId: 'k1' });
      expect((error as Error).message).not.toContain(oldKey.key.toString('base64'));
    }
    // the same id with other key material: not an unknown key, the value just does not open
    const reused = new KeyRing([{ id: 'k1', key: newKey.key }]);
    expect(() => reused.open(sealed)).toThrow();
    expect(() => reused.open(sealed)).not.toThrow(UnknownKeyError);
  });
});

describe('masking', () => {
  it('masks emails and link secrets', () => {
    expect(maskEmail('ann.smith@example.com')).toBe('a***@example.com');
    expect(maskUrlSecrets('/respond/abc.def.ghi?x=1')).toBe('/respond/[REDACTED]?x=1');
    expect(maskUrlSecrets('/documentation/tok')).toBe('/documentation/[REDACTED]');
    expect(maskUrlSecrets('/v1/notifications?recipient=ann%40example.com&status=sent')).toBe('/v1/notifications?recipient=[REDACTED]&status=sent');
    expect(maskUrlSecrets('/x?Email=a@b.c')).toBe('/x?Email=[REDACTED]');
  });
});
