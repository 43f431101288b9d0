import { hmacKey } from './secret-keys';

describe('hmacKey', () => {
  it('makes one key object per secret, holding the secret bytes', () => {
    const key = hmacKey('a-secret-of-the-configuration');
    expect(hmacKey('a-secret-of-the-configuration')).toBe(key);
    expect(key.type).toBe('secret');
    expect(key.export().toString('utf8')).toBe('a-secret-of-the-configuration');
    expect(hmacKey('another-secret')).not.toBe(key);
  });

  it('keeps a bounded number of keys', () => {
    const first = hmacKey('secret-0');
    for (let i = 1; i <= 40; i++) hmacKey(`secret-${i}`);
    // Evicted, then made again: equal bytes, a new object.
    expect(hmacKey('secret-0')).not.toBe(first);
    expect(hmacKey('secret-0').export().equals(first.export())).toBe(true);
  });
});
