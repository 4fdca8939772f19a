import { constantTimeEqual, DataCipher, parseEncryptionKey, sha256Hex } from '../../src/lib/crypto.js';

describe('DataCipher', () => {
  const cipher = new DataCipher(Buffer.alloc(32, 1));

  it('round-trips a value and never produces the same ciphertext twice', () => {
    const a = cipher.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    const b = cipher.encrypt('JBSWY3DPEHPK3PXP', 'user-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(cipher.decrypt(a, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a tampered ciphertext or one moved to another row', () => {
    const sealed = cipher.encrypt('secret', 'user-1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'user-1')).toThrow();
    expect(() => cipher.decrypt(sealed, 'user-2')).toThrow();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new DataCipher(Buffer.alloc(16))).toThrow('32 bytes');
  });
});

describe('parseEncryptionKey', () => {
  it('accepts hex and base64 forms of 32 bytes', () => {
    expect(parseEncryptionKey('00'.repeat(32))).toHaveLength(32);
    expect(parseEncryptionKey(Buffer.alloc(32, 9).toString('base64'))).toHaveLength(32);
    expect(() => parseEncryptionKey('short')).toThrow('must be 32 bytes');
  });
});

describe('token helpers', () => {
  it('hashes with SHA-256 and compares in constant time', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
