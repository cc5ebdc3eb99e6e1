// The Token Status List codec (draft-ietf-oauth-status-list): a byte array of `bits`-wide
// statuses packed least-significant bit first, ZLIB-compressed and base64url-encoded
// without padding. Web APIs only (CompressionStream), so issuers and verifiers share it
// in Node, browsers and Workers.
import { fromBase64Url, toBase64Url } from '../encoding.js';

export const STATUS_VALID = 0;
export const STATUS_INVALID = 1;
export const STATUS_SUSPENDED = 2;

export type StatusBits = 1 | 2 | 4 | 8;
const BIT_SIZES: readonly number[] = [1, 2, 4, 8];

export function isStatusBits(value: unknown): value is StatusBits {
  return typeof value === 'number' && BIT_SIZES.includes(value);
}

export class StatusList {
  readonly bits: StatusBits;
  readonly size: number;
  private readonly data: Uint8Array<ArrayBuffer>;

  constructor(size: number, bits: StatusBits, data?: Uint8Array<ArrayBuffer>) {
    if (!isStatusBits(bits)) throw new RangeError(`bits must be 1, 2, 4 or 8 (got ${bits})`);
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer`);
    this.bits = bits;
    this.size = size;
    const length = Math.ceil((size * bits) / 8);
    if (data && data.length !== length) throw new RangeError(`expected ${length} bytes, got ${data.length}`);
    this.data = data ?? new Uint8Array(length);
  }

  /** A list over decoded bytes: every status the bytes can hold is addressable. */
  static fromBytes(bytes: Uint8Array<ArrayBuffer>, bits: StatusBits): StatusList {
    return new StatusList((bytes.length * 8) / bits, bits, bytes);
  }

  private locate(index: number): { byte: number; shift: number } {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`index ${index} is outside the list (size ${this.size})`);
    }
    const bitOffset = index * this.bits;
    return { byte: bitOffset >> 3, shift: bitOffset & 7 };
  }

  get(index: number): number {
    const { byte, shift } = this.locate(index);
    return (this.data[byte]! >> shift) & ((1 << this.bits) - 1);
  }

  set(index: number, value: number): void {
    const mask = (1 << this.bits) - 1;
    if (!Number.isInteger(value) || value < 0 || value > mask) {
      throw new RangeError(`status ${value} does not fit in ${this.bits} bits`);
    }
    const { byte, shift } = this.locate(index);
    this.data[byte] = (this.data[byte]! & ~(mask << shift)) | (value << shift);
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.data;
  }
}

async function drain(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new RangeError(`the status list inflates beyond ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function through(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream | DecompressionStream) {
  return new Blob([bytes])
    .stream()
    .pipeThrough(transform as unknown as TransformStream<Uint8Array, Uint8Array>);
}

/** `{bits, lst}` as the Status List Token's `status_list` claim carries it. */
export async function encodeStatusList(list: StatusList): Promise<{ bits: StatusBits; lst: string }> {
  // 'deflate' is the ZLIB format (RFC 1950) the draft requires.
  const compressed = await drain(
    through(list.bytes(), new CompressionStream('deflate')),
    Number.MAX_SAFE_INTEGER,
  );
  return { bits: list.bits, lst: toBase64Url(compressed) };
}

export const DEFAULT_MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/** Decodes a `status_list` claim; refuses bad encodings and lists inflating beyond `maxBytes`. */
export async function decodeStatusList(
  claim: { bits: unknown; lst: unknown },
  maxBytes = DEFAULT_MAX_STATUS_LIST_BYTES,
): Promise<StatusList> {
  if (!isStatusBits(claim.bits)) throw new RangeError('status_list.bits must be 1, 2, 4 or 8');
  if (typeof claim.lst !== 'string' || !/^[A-Za-z0-9_-]*$/.test(claim.lst)) {
    throw new RangeError('status_list.lst must be base64url without padding');
  }
  let compressed: Uint8Array<ArrayBuffer>;
  try {
    compressed = fromBase64Url(claim.lst);
  } catch {
    throw new RangeError('status_list.lst is not base64url');
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await drain(through(compressed, new DecompressionStream('deflate')), maxBytes);
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new RangeError('status_list.lst is not ZLIB-compressed data');
  }
  return StatusList.fromBytes(bytes, claim.bits);
}
