// The Token Status List codec (draft-ietf-oauth-status-list): a byte array of `bits`-wide
// statuses packed least-significant bit first (index 0 = the lowest bits of byte 0),
// ZLIB-compressed (RFC 1950) and base64url-encoded without padding as `lst`.
// Web APIs only (CompressionStream, Blob), so the issuer and the offline verifier share it
// in Node 20, browsers and Workers.
import { fromBase64Url, toBase64Url } from '../encoding.js';

export const STATUS_VALID = 0;
export const STATUS_INVALID = 1;
export const STATUS_SUSPENDED = 2;

export type StatusBits = 1 | 2 | 4 | 8;
const BIT_SIZES: readonly number[] = [1, 2, 4, 8];

export function isStatusBits(value: unknown): value is StatusBits {
  return typeof value === 'number' && BIT_SIZES.includes(value);
}

/** The `status_list` claim of a Status List Token. */
export interface StatusListClaim {
  bits: StatusBits;
  lst: string;
}

/** A fixed-size array of `bits`-wide statuses, every one VALID (0) to begin with. */
export class StatusList {
  readonly bits: StatusBits;
  readonly size: number;
  private readonly data: Uint8Array<ArrayBuffer>;

  constructor(size: number, bits: StatusBits) {
    if (!isStatusBits(bits)) throw new RangeError(`bits must be 1, 2, 4 or 8 (got ${String(bits)})`);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`size must be a non-negative integer (got ${size})`);
    }
    this.bits = bits;
    this.size = size;
    this.data = new Uint8Array(Math.ceil((size * bits) / 8));
  }

  /** A list over (a copy of) decoded bytes: every status the bytes hold is addressable. */
  static fromBytes(bytes: Uint8Array, bits: StatusBits): StatusList {
    if (!isStatusBits(bits)) throw new RangeError(`bits must be 1, 2, 4 or 8 (got ${String(bits)})`);
    const list = new StatusList((bytes.length * 8) / bits, bits);
    list.data.set(bytes);
    return list;
  }

  private locate(index: number): { byte: number; shift: number } {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`index ${index} is outside the list (size ${this.size})`);
    }
    const bitOffset = index * this.bits;
    return { byte: Math.floor(bitOffset / 8), shift: bitOffset % 8 };
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

  /** A copy of the packed bytes. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.data.slice();
  }
}

export type StatusListDecodeErrorCode = 'bits' | 'encoding' | 'compression' | 'too-large';

/** Why a `status_list` claim could not be decoded. */
export class StatusListDecodeError extends Error {
  constructor(
    readonly code: StatusListDecodeErrorCode,
    message: string,
  ) {
    super(message);
  }

  override get name(): string {
    return 'StatusListDecodeError';
  }
}

class LimitExceeded extends Error {}

/** Reads a byte stream to the end, cancelling it as soon as it passes `limit` bytes. */
async function drain(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new LimitExceeded();
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

// 'deflate' in the Compression Streams standard is the ZLIB format (RFC 1950) the draft
// requires — not raw DEFLATE ('deflate-raw') and not gzip.
function zlib(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream | DecompressionStream) {
  return new Blob([bytes]).stream().pipeThrough(transform);
}

export interface EncodeOptions {
  /**
   * Compresses the packed bytes into a ZLIB stream. Default: CompressionStream('deflate'),
   * which offers no level and uses zlib's default (6). A Node issuer may pass
   * `(bytes) => zlib.deflateSync(bytes, { level: 9 })` for lists about a third smaller.
   */
  compress?: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array | Promise<Uint8Array>;
}

/** The `status_list` claim for a list. */
export async function encodeStatusList(
  list: StatusList,
  options: EncodeOptions = {},
): Promise<StatusListClaim> {
  const bytes = list.bytes();
  const compressed = options.compress
    ? await options.compress(bytes)
    : await drain(zlib(bytes, new CompressionStream('deflate')), Number.POSITIVE_INFINITY);
  if (!isZlibHeader(compressed)) throw new TypeError('compress must produce a ZLIB (RFC 1950) stream');
  return { bits: list.bits, lst: toBase64Url(compressed) };
}

/** RFC 1950 header: compression method 8 (DEFLATE) and a CMF/FLG pair divisible by 31. */
function isZlibHeader(bytes: Uint8Array): boolean {
  const [cmf, flg] = bytes;
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

/** A received value for an error message; String() itself throws for some objects. */
function describeReceived(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** 16 MiB: 134,217,728 one-bit or 67,108,864 two-bit statuses. */
export const DEFAULT_MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024;

/**
 * Decodes a `status_list` claim as received (its fields are checked, not trusted).
 * Throws StatusListDecodeError for bits outside {1,2,4,8}, `lst` that is not unpadded
 * base64url, data that is not a ZLIB stream, or a list that inflates beyond `maxBytes`
 * (decompression is streamed and stopped there: a zip bomb costs at most `maxBytes`).
 */
export async function decodeStatusList(
  claim: { bits: unknown; lst: unknown },
  maxBytes: number = DEFAULT_MAX_STATUS_LIST_BYTES,
): Promise<StatusList> {
  if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be a non-negative number (got ${maxBytes})`);
  if (!isStatusBits(claim.bits)) {
    throw new StatusListDecodeError(
      'bits',
      `status_list.bits must be 1, 2, 4 or 8 (got ${describeReceived(claim.bits)})`,
    );
  }
  const notBase64Url = () =>
    new StatusListDecodeError('encoding', 'status_list.lst must be a base64url string without padding');
  if (typeof claim.lst !== 'string') throw notBase64Url();
  let compressed: Uint8Array<ArrayBuffer>;
  try {
    compressed = fromBase64Url(claim.lst); // strict: refuses '=', '+', '/' and other characters
  } catch {
    throw notBase64Url();
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await drain(zlib(compressed, new DecompressionStream('deflate')), maxBytes);
  } catch (error) {
    if (error instanceof LimitExceeded) {
      throw new StatusListDecodeError('too-large', `status_list.lst inflates beyond ${maxBytes} bytes`);
    }
    throw new StatusListDecodeError('compression', 'status_list.lst is not a valid ZLIB stream');
  }
  return StatusList.fromBytes(bytes, claim.bits);
}
