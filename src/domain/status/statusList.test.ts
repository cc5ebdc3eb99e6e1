import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../encoding.js';
import { decodeStatusList, encodeStatusList, type StatusBits, StatusList } from './statusList.js';

function listOf(bits: StatusBits, statuses: number[]): StatusList {
  const list = new StatusList(statuses.length, bits);
  statuses.forEach((status, index) => {
    list.set(index, status);
  });
  return list;
}

describe('status list packing (least-significant bit first)', () => {
  it('matches the draft: 1 bit, 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 → 0xB9 0xA3', () => {
    const list = listOf(1, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    expect([...list.bytes()]).toEqual([0xb9, 0xa3]);
  });

  it('packs 2-bit statuses by hand-computed bytes', () => {
    // [1,2,0,3]: index 0 → bits 0-1 = 01, index 1 → bits 2-3 = 10, index 2 → 00, index 3 → 11
    // byte = 11 00 10 01 = 0xC9
    expect([...listOf(2, [1, 2, 0, 3]).bytes()]).toEqual([0xc9]);
    // [2,2,2,2, 0,1,0,0]: 10 10 10 10 = 0xAA; then 00 00 01 00 = 0x04
    expect([...listOf(2, [2, 2, 2, 2, 0, 1, 0, 0]).bytes()]).toEqual([0xaa, 0x04]);
    // 5 entries round up to 2 bytes: [0,0,0,0, 1] → 0x00, 0x01
    expect([...listOf(2, [0, 0, 0, 0, 1]).bytes()]).toEqual([0x00, 0x01]);
  });

  it('packs 4- and 8-bit statuses', () => {
    // [0xA, 0x3]: low nibble A, high nibble 3 → 0x3A
    expect([...listOf(4, [0xa, 0x3]).bytes()]).toEqual([0x3a]);
    expect([...listOf(8, [0x01, 0xff]).bytes()]).toEqual([0x01, 0xff]);
  });

  it('refuses out-of-range indices and values', () => {
    const list = new StatusList(4, 2);
    expect(() => list.set(4, 1)).toThrow(RangeError);
    expect(() => list.set(-1, 1)).toThrow(RangeError);
    expect(() => list.set(0, 4)).toThrow(RangeError);
    expect(() => list.get(4)).toThrow(RangeError);
    expect(() => new StatusList(4, 3 as StatusBits)).toThrow(RangeError);
  });
});

describe('encoding and decoding', () => {
  it.each([1, 2, 4, 8] as const)('round-trips %i-bit lists', async (bits) => {
    const statuses = Array.from({ length: 1000 }, (_, i) => (i * 7919) % (1 << bits));
    const decoded = await decodeStatusList(await encodeStatusList(listOf(bits, statuses)));
    expect(statuses.every((status, index) => decoded.get(index) === status)).toBe(true);
  });

  it('writes lst as unpadded base64url of a ZLIB stream readable by zlib', async () => {
    const { lst } = await encodeStatusList(listOf(1, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]));
    expect(lst).toMatch(/^[A-Za-z0-9_-]+$/);
    const zlibHeader = Buffer.from(lst, 'base64url')[0];
    expect(zlibHeader! & 0x0f).toBe(8); // CM = deflate: a ZLIB header, not raw DEFLATE or gzip
    const fromNode = toBase64Url(deflateSync(Buffer.from([0xb9, 0xa3]), { level: 9 }));
    expect([...(await decodeStatusList({ bits: 1, lst: fromNode })).bytes()]).toEqual([0xb9, 0xa3]);
  });

  it('handles a 1,000,000-entry list', async () => {
    const list = new StatusList(1_000_000, 2);
    const set = [0, 1, 2, 999, 123_456, 500_000, 777_777, 999_999];
    set.forEach((index, i) => {
      list.set(index, 1 + (i % 2));
    });
    const encoded = await encodeStatusList(list);
    // 250,000 bytes of mostly zeros compress to a few hundred bytes.
    expect(encoded.lst.length).toBeLessThan(2000);
    const decoded = await decodeStatusList(encoded);
    expect(decoded.size).toBe(1_000_000);
    set.forEach((index, i) => {
      expect(decoded.get(index)).toBe(1 + (i % 2));
    });
    expect(decoded.get(3)).toBe(0);
  });

  it('refuses bad bits, bad base64url, corrupt data and lists that inflate too far', async () => {
    await expect(decodeStatusList({ bits: 3, lst: 'eJwDAAAAAAE' })).rejects.toThrow(/bits/);
    await expect(decodeStatusList({ bits: 2, lst: 'not base64!' })).rejects.toThrow(/base64url/);
    await expect(decodeStatusList({ bits: 2, lst: 'AAAAAAAA' })).rejects.toThrow(/ZLIB/);
    const bomb = toBase64Url(deflateSync(Buffer.alloc(2 * 1024 * 1024)));
    await expect(decodeStatusList({ bits: 2, lst: bomb }, 1024 * 1024)).rejects.toThrow(/inflates beyond/);
  });
});
