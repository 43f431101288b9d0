import { randomBytes } from 'node:crypto';
import { normalizeAddress, RecipientHasher } from './recipient-hash';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('RecipientHasher', () => {
  const old = key('k1');
  const current = key('k2');

  it('matches an address whatever its case or surrounding spaces, and does not reveal it', () => {
    const hasher = new RecipientHasher([old]);
    expect(hasher.hash(' Ann.Smith@Example.com ')).toBe(hasher.hash('ann.smith@example.com'));
    expect(hasher.hash('ann.smith@example.com')).not.toBe(hasher.hash('bob@example.com'));
    expect(hasher.hash('ann.smith@example.com')).not.toContain('ann');
    expect(normalizeAddress(' A@B.C ')).toBe('a@b.c');
  });

  it('is keyed: another key ring gives other hashes', () => {
    expect(new RecipientHasher([old]).hash('ann@example.com')).not.toBe(new RecipientHasher([current]).hash('ann@example.com'));
  });

  it('still finds deliveries hashed before a key rotation', () => {
    const before = new RecipientHasher([old]).hash('ann@example.com');
    const rotated = new RecipientHasher([current, old]);
    expect(rotated.hash('ann@example.com')).not.toBe(before);
    expect(rotated.candidates('ann@example.com')).toContain(before);
  });
});
