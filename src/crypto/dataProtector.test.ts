import { describe, expect, it } from 'vitest';
import { randomBytes } from '../domain/encoding.js';
import { createDataProtector } from './dataProtector.js';

const keys = () => ({ encryption: [{ id: 'k1', key: randomBytes(32) }], lookup: randomBytes(32) });

describe('data protector', () => {
  it('round-trips text, with a fresh IV each time', async () => {
    const protector = await createDataProtector(keys());
    const a = await protector.encrypt('900101300007', 'identity.national_id');
    const b = await protector.encrypt('900101300007', 'identity.national_id');
    expect(a).not.toBe(b);
    expect(a).not.toContain('900101300007');
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(await protector.decrypt(a, 'identity.national_id')).toBe('900101300007');
    expect(await protector.decrypt(await protector.encrypt('Әлия Ömir', 'p'), 'p')).toBe('Әлия Ömir');
  });

  it('refuses a ciphertext moved to another purpose or tampered with', async () => {
    const protector = await createDataProtector(keys());
    const sealed = await protector.encrypt('secret', 'identity.national_id');
    await expect(protector.decrypt(sealed, 'identity.personal_data')).rejects.toThrow();
    // The second-to-last character carries six whole bits of the tag (the last one may carry
    // padding bits only); it is replaced by a different character, always.
    const changed = sealed.at(-2) === 'A' ? 'B' : 'A';
    const flipped = `${sealed.slice(0, -2)}${changed}${sealed.slice(-1)}`;
    expect(flipped).not.toBe(sealed);
    await expect(protector.decrypt(flipped, 'identity.national_id')).rejects.toThrow();
  });

  it('decrypts with a retired key after rotation', async () => {
    const old = { id: 'old', key: randomBytes(32) };
    const lookup = randomBytes(32);
    const before = await createDataProtector({ encryption: [old], lookup });
    const sealed = await before.encrypt('kept', 'p');
    const after = await createDataProtector({
      encryption: [{ id: 'new', key: randomBytes(32) }, old],
      lookup,
    });
    expect(await after.decrypt(sealed, 'p')).toBe('kept');
    expect((await after.encrypt('x', 'p')).startsWith('v1.new.')).toBe(true);
  });

  it('keyed hashes are stable per key and purpose', async () => {
    const k = keys();
    const one = await createDataProtector(k);
    const same = await createDataProtector(k);
    const other = await createDataProtector(keys());
    const hash = await one.keyedHash('KZ:900101300007', 'lookup');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await same.keyedHash('KZ:900101300007', 'lookup')).toBe(hash);
    expect(await one.keyedHash('KZ:900101300007', 'other')).not.toBe(hash);
    expect(await other.keyedHash('KZ:900101300007', 'lookup')).not.toBe(hash);
  });

  it('refuses keys of the wrong size', async () => {
    await expect(
      createDataProtector({ encryption: [{ id: 'k', key: randomBytes(16) }], lookup: randomBytes(32) }),
    ).rejects.toThrow(/32 bytes/);
  });
});
