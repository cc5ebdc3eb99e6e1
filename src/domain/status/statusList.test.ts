// The Token Status List codec against the draft's examples, hand-computed packings, Node's
// zlib (both ways) and hostile input. node:zlib appears here only, to prove interop.
import { deflateRawSync, deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../encoding.js';
import {
  DEFAULT_MAX_STATUS_LIST_BYTES,
  decodeStatusList,
  encodeStatusList,
  STATUS_INVALID,
  STATUS_SUSPENDED,
  STATUS_VALID,
  type StatusBits,
  StatusList,
  StatusListDecodeError,
} from './statusList.js';

function listOf(bits: StatusBits, statuses: number[]): StatusList {
  const list = new StatusList(statuses.length, bits);
  statuses.forEach((status, index) => {
    list.set(index, status);
  });
  return list;
}

const bytesOf = (bits: StatusBits, statuses: number[]) => [...listOf(bits, statuses).bytes()];

async function refusal(promise: Promise<unknown>): Promise<StatusListDecodeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StatusListDecodeError);
  return error as StatusListDecodeError;
}

describe('status values', () => {
  it('are the draft’s', () => {
    expect([STATUS_VALID, STATUS_INVALID, STATUS_SUSPENDED]).toEqual([0, 1, 2]);
  });
});

describe('packing, least-significant bit first', () => {
  it('matches the draft’s 1-bit example: 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1 → 0xB9 0xA3', () => {
    // byte 0: statuses 0..7 are bits 0..7 → 1·1 + 1·8 + 1·16 + 1·32 + 1·128 = 185 = 0xB9
    // byte 1: statuses 8..15 → 1·1 + 1·2 + 1·32 + 1·128 = 163 = 0xA3
    expect(bytesOf(1, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1])).toEqual([0xb9, 0xa3]);
  });

  it('packs 2-bit statuses (status i sits at bits 2·(i mod 4) of byte ⌊i/4⌋)', () => {
    // [1,2,0,3]: 1<<0 | 2<<2 | 0<<4 | 3<<6 = 1 + 8 + 0 + 192 = 201 = 0b11_00_10_01 = 0xC9
    expect(bytesOf(2, [1, 2, 0, 3])).toEqual([0xc9]);
    // The draft's 2-bit example continues [0,1,0,1] → 1<<2 | 1<<6 = 4 + 64 = 68 = 0x44
    // and [1,2,3,3] → 1 + 2<<2 + 3<<4 + 3<<6 = 1 + 8 + 48 + 192 = 249 = 0xF9
    expect(bytesOf(2, [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3])).toEqual([0xc9, 0x44, 0xf9]);
    // [0,0,0,1]: only status 3 → 1<<6 = 64 = 0x40 (the highest bits hold the last index)
    expect(bytesOf(2, [0, 0, 0, 1])).toEqual([0x40]);
    // [1,1,1,1]: 1 + 4 + 16 + 64 = 85 = 0b01_01_01_01 = 0x55
    expect(bytesOf(2, [1, 1, 1, 1])).toEqual([0x55]);
    // [2,2,2,2, 0,1,0,0]: 2 + 8 + 32 + 128 = 170 = 0xAA; then 1<<2 = 4 = 0x04
    expect(bytesOf(2, [2, 2, 2, 2, 0, 1, 0, 0])).toEqual([0xaa, 0x04]);
    // [3,0,0,0, 0,0,0,2]: 3<<0 = 0x03; then 2<<6 = 128 = 0x80
    expect(bytesOf(2, [3, 0, 0, 0, 0, 0, 0, 2])).toEqual([0x03, 0x80]);
    // 5 statuses need 10 bits → 2 bytes: [0,0,0,0, 1] → 0x00, then 1<<0 = 0x01
    expect(bytesOf(2, [0, 0, 0, 0, 1])).toEqual([0x00, 0x01]);
  });

  it('packs 4- and 8-bit statuses', () => {
    // [0xA, 0x3]: low nibble 0xA, high nibble 0x3 → 0x3A
    expect(bytesOf(4, [0xa, 0x3])).toEqual([0x3a]);
    // [1,2,3,4]: 1 | 2<<4 = 0x21; 3 | 4<<4 = 0x43; a third status starts byte 2
    expect(bytesOf(4, [1, 2, 3, 4, 5])).toEqual([0x21, 0x43, 0x05]);
    expect(bytesOf(8, [0x01, 0xff, 0x80])).toEqual([0x01, 0xff, 0x80]);
  });

  it('sets one entry without touching its neighbours', () => {
    const list = listOf(2, [3, 3, 3, 3]);
    list.set(1, 0);
    list.set(2, 1);
    // 3 | 0<<2 | 1<<4 | 3<<6 = 3 + 16 + 192 = 211 = 0xD3
    expect([...list.bytes()]).toEqual([0xd3]);
    expect([0, 1, 2, 3].map((i) => list.get(i))).toEqual([3, 0, 1, 3]);
  });

  it('checks bounds, values and bits', () => {
    const list = new StatusList(5, 2);
    for (const index of [5, -1, 1.5, Number.NaN]) {
      expect(() => list.set(index, 1)).toThrow(RangeError);
      expect(() => list.get(index)).toThrow(RangeError);
    }
    for (const value of [4, -1, 0.5]) expect(() => list.set(0, value)).toThrow(RangeError);
    expect(() => new StatusList(1, 1).set(0, 2)).toThrow(RangeError);
    expect(() => new StatusList(1, 8).set(0, 256)).toThrow(RangeError);
    expect(() => new StatusList(4, 3 as StatusBits)).toThrow(RangeError);
    expect(() => new StatusList(-1, 2)).toThrow(RangeError);
    expect(() => StatusList.fromBytes(new Uint8Array(1), 16 as StatusBits)).toThrow(RangeError);
  });

  it('reads bytes: fromBytes copies them and bytes() hands out a copy', () => {
    const source = new Uint8Array([0xc9]);
    const list = StatusList.fromBytes(source, 2);
    expect([list.size, list.bits]).toEqual([4, 2]);
    expect([0, 1, 2, 3].map((i) => list.get(i))).toEqual([1, 2, 0, 3]);
    source[0] = 0;
    list.bytes()[0] = 0;
    expect(list.get(0)).toBe(1);
    expect(StatusList.fromBytes(new Uint8Array(3), 1).size).toBe(24);
  });
});

describe('encoding and decoding', () => {
  it('decodes the draft’s example lst values (ZLIB at level 9)', async () => {
    expect([...(await decodeStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ' })).bytes()]).toEqual([0xb9, 0xa3]);
    const twoBit = await decodeStatusList({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    expect([...Array(twoBit.size).keys()].map((i) => twoBit.get(i))).toEqual([
      1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3,
    ]);
  });

  it.each([1, 2, 4, 8] as const)('round-trips %i-bit lists', async (bits) => {
    // 1001 entries: the last byte is only partly used for bits < 8.
    const statuses = Array.from({ length: 1001 }, (_, i) => (i * 7919 + (i >> 3)) % (1 << bits));
    const encoded = await encodeStatusList(listOf(bits, statuses));
    expect(encoded.bits).toBe(bits);
    const decoded = await decodeStatusList(encoded);
    expect(decoded.bits).toBe(bits);
    expect(decoded.size).toBe(Math.ceil((1001 * bits) / 8) * (8 / bits));
    expect(statuses.map((_, index) => decoded.get(index))).toEqual(statuses);
  });

  it('writes lst as unpadded base64url of a ZLIB stream that Node’s zlib inflates', async () => {
    const statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];
    const { lst } = await encodeStatusList(listOf(2, statuses));
    expect(lst).toMatch(/^[A-Za-z0-9_-]+$/);
    const compressed = Buffer.from(lst, 'base64url');
    expect(compressed[0]! & 0x0f).toBe(8); // CM = 8: a ZLIB header, not raw DEFLATE or gzip
    expect([...inflateSync(compressed)]).toEqual([0xc9, 0x44, 0xf9]);
  });

  it('decodes what Node’s zlib.deflateSync wrote, at any level', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i % 97 === 0 ? 0b01_10_00_01 : 0));
    for (const level of [0, 1, 6, 9]) {
      const lst = toBase64Url(deflateSync(bytes, { level }));
      const decoded = await decodeStatusList({ bits: 2, lst });
      expect(decoded.bytes()).toEqual(bytes);
      expect([decoded.get(0), decoded.get(1), decoded.get(2), decoded.get(3), decoded.get(4)]).toEqual([
        1, 0, 2, 1, 0,
      ]);
    }
  });

  it('takes a caller’s ZLIB compressor (e.g. level 9 on Node) and refuses non-ZLIB output', async () => {
    const list = listOf(2, [1, 2, 0, 3]);
    const encoded = await encodeStatusList(list, { compress: (bytes) => deflateSync(bytes, { level: 9 }) });
    expect([...(await decodeStatusList(encoded)).bytes()]).toEqual([0xc9]);
    await expect(encodeStatusList(list, { compress: (bytes) => gzipSync(bytes) })).rejects.toThrow(TypeError);
    await expect(encodeStatusList(list, { compress: (bytes) => deflateRawSync(bytes) })).rejects.toThrow(
      TypeError,
    );
  });

  it('handles a 1,000,000-entry 2-bit list', async () => {
    const list = new StatusList(1_000_000, 2);
    // 1000 pseudo-random entries set to INVALID or SUSPENDED (a fixed LCG: reproducible).
    const set = new Map<number, number>();
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 1000; i++) set.set(next() % 1_000_000, 1 + (next() % 2));
    set.set(0, STATUS_INVALID).set(999_999, STATUS_SUSPENDED);
    for (const [index, value] of set) list.set(index, value);

    const encoded = await encodeStatusList(list);
    // Measured: 3158 characters (2368 bytes) with CompressionStream; 250,000 raw bytes.
    expect(encoded.lst.length).toBeLessThan(4000);
    const decoded = await decodeStatusList(encoded);
    expect(decoded.size).toBe(1_000_000);
    for (const [index, value] of set) expect(decoded.get(index)).toBe(value);
    let nonZero = 0;
    for (let index = 0; index < decoded.size; index++) if (decoded.get(index) !== 0) nonZero++;
    expect(nonZero).toBe(set.size);
  });
});

describe('decoding refuses', () => {
  const valid = 'eNo76fITAAPfAgc';

  it('bits outside {1, 2, 4, 8}', async () => {
    for (const bits of [0, 3, 16, '2', undefined, null, 2.5]) {
      expect((await refusal(decodeStatusList({ bits, lst: valid }))).code).toBe('bits');
    }
  });

  it('lst that is not unpadded base64url', async () => {
    for (const lst of [
      'not base64!',
      `${valid}=`,
      'eNo7+fITAAPfAgc',
      'eNo7/fITAAPfAgc',
      'A',
      42,
      undefined,
    ]) {
      expect((await refusal(decodeStatusList({ bits: 2, lst }))).code).toBe('encoding');
    }
  });

  it('data that is not a ZLIB stream', async () => {
    const good = deflateSync(Buffer.from([0xc9, 0x44, 0xf9]));
    const corrupt = [
      new Uint8Array(0), // empty
      new Uint8Array(8), // zeros
      deflateRawSync(Buffer.from([0xc9])), // raw DEFLATE: no ZLIB header
      gzipSync(Buffer.from([0xc9])), // gzip
      good.subarray(0, good.length - 2), // truncated (Adler-32 cut short)
      Buffer.concat([good.subarray(0, -1), Buffer.from([good.at(-1)! ^ 1])]), // bad Adler-32
    ];
    for (const bytes of corrupt) {
      expect((await refusal(decodeStatusList({ bits: 2, lst: toBase64Url(bytes) }))).code).toBe(
        'compression',
      );
    }
  });

  it('lists that inflate beyond the limit (16 MiB by default), streaming and stopping there', async () => {
    const exact = toBase64Url(deflateSync(Buffer.alloc(4096)));
    expect((await decodeStatusList({ bits: 2, lst: exact }, 4096)).size).toBe(4096 * 4);
    expect((await refusal(decodeStatusList({ bits: 2, lst: exact }, 4095))).code).toBe('too-large');
    await expect(decodeStatusList({ bits: 2, lst: exact }, Number.NaN)).rejects.toThrow(RangeError);

    // 64 MiB of zeros in ~64 KiB: refused at the 16 MiB default without inflating it all.
    const bomb = toBase64Url(deflateSync(Buffer.alloc(4 * DEFAULT_MAX_STATUS_LIST_BYTES), { level: 9 }));
    expect(bomb.length).toBeLessThan(100_000);
    const error = await refusal(decodeStatusList({ bits: 1, lst: bomb }));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/inflates beyond 16777216 bytes/);
  });
});
