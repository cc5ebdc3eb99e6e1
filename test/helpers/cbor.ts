// A minimal CBOR (RFC 8949) codec for building WebAuthn test fixtures: attestation objects
// (`{fmt, attStmt, authData}`) and COSE keys (`{1: 2, 3: -7, -1: 1, -2: x, -3: y}`).
//
// Only what those structures need: unsigned and negative integers, byte strings, text strings,
// arrays, maps (integer or text keys), plus false/true/null. Everything is definite-length and
// written in the shortest form ("preferred serialization", RFC 8949 §4.1). Map entries keep the
// caller's insertion order, so the caller decides the order (CTAP2 canonical order for the
// structures above is simply the order the spec lists them in).

export type CborKey = number | string;
export type CborValue =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | readonly CborValue[]
  | ReadonlyMap<CborKey, CborValue>
  | { readonly [key: string]: CborValue };

// RFC 8949 §3.1 major types.
const MT_UNSIGNED = 0;
const MT_NEGATIVE = 1;
const MT_BYTES = 2;
const MT_TEXT = 3;
const MT_ARRAY = 4;
const MT_MAP = 5;
const MT_SIMPLE = 7;

const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;
const SIMPLE_NULL = 22;

/** Encodes `value` as CBOR. Plain objects become maps with text keys; use a `Map` for integer keys. */
export function encodeCbor(value: CborValue): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  writeValue(chunks, value);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function writeValue(out: Uint8Array[], value: CborValue): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`CBOR: only safe integers are supported, got ${value}`);
    // A negative integer n is encoded as major type 1 with argument -1 - n.
    if (value >= 0) writeHead(out, MT_UNSIGNED, value);
    else writeHead(out, MT_NEGATIVE, -1 - value);
  } else if (typeof value === 'string') {
    const utf8 = new TextEncoder().encode(value);
    writeHead(out, MT_TEXT, utf8.length);
    out.push(utf8);
  } else if (typeof value === 'boolean') {
    writeHead(out, MT_SIMPLE, value ? SIMPLE_TRUE : SIMPLE_FALSE);
  } else if (value === null) {
    writeHead(out, MT_SIMPLE, SIMPLE_NULL);
  } else if (value instanceof Uint8Array) {
    writeHead(out, MT_BYTES, value.length);
    out.push(value);
  } else if (Array.isArray(value)) {
    const items = value as readonly CborValue[];
    writeHead(out, MT_ARRAY, items.length);
    for (const item of items) writeValue(out, item);
  } else {
    const entries: [CborKey, CborValue][] =
      value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, CborValue>);
    writeHead(out, MT_MAP, entries.length);
    for (const [key, item] of entries) {
      writeValue(out, key);
      writeValue(out, item);
    }
  }
}

/** The initial byte (major type + additional info) followed by the argument in 0, 1, 2, 4 or 8 bytes. */
function writeHead(out: Uint8Array[], majorType: number, argument: number): void {
  const mt = majorType << 5;
  if (argument < 24) {
    out.push(Uint8Array.of(mt | argument));
  } else if (argument <= 0xff) {
    out.push(Uint8Array.of(mt | 24, argument));
  } else if (argument <= 0xffff) {
    out.push(Uint8Array.of(mt | 25, argument >> 8, argument & 0xff));
  } else if (argument <= 0xffffffff) {
    const head = new Uint8Array(5);
    head[0] = mt | 26;
    new DataView(head.buffer).setUint32(1, argument);
    out.push(head);
  } else {
    const head = new Uint8Array(9);
    head[0] = mt | 27;
    new DataView(head.buffer).setBigUint64(1, BigInt(argument));
    out.push(head);
  }
}

/**
 * Decodes one CBOR data item that must span all of `bytes`. Maps always decode to a `Map` (so
 * integer keys survive); byte strings to `Uint8Array`. Indefinite lengths, tags and floats are
 * rejected: nothing WebAuthn-shaped that this helper builds contains them.
 */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const reader = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const value = readValue(reader);
  if (reader.offset !== bytes.length) {
    throw new Error(`CBOR: ${bytes.length - reader.offset} trailing byte(s) after the data item`);
  }
  return value;
}

interface Reader {
  bytes: Uint8Array;
  view: DataView;
  offset: number;
}

function take(reader: Reader, length: number): Uint8Array {
  if (reader.offset + length > reader.bytes.length) throw new Error('CBOR: unexpected end of input');
  const slice = reader.bytes.subarray(reader.offset, reader.offset + length);
  reader.offset += length;
  return slice;
}

function readArgument(reader: Reader, info: number): number {
  if (info < 24) return info;
  const at = reader.offset;
  switch (info) {
    case 24:
      take(reader, 1);
      return reader.view.getUint8(at);
    case 25:
      take(reader, 2);
      return reader.view.getUint16(at);
    case 26:
      take(reader, 4);
      return reader.view.getUint32(at);
    case 27: {
      take(reader, 8);
      const big = reader.view.getBigUint64(at);
      if (big > BigInt(Number.MAX_SAFE_INTEGER))
        throw new Error('CBOR: integer beyond 2^53 is not supported');
      return Number(big);
    }
    default:
      throw new Error(`CBOR: unsupported additional information ${info} (indefinite length or reserved)`);
  }
}

function readValue(reader: Reader): CborValue {
  const initial = take(reader, 1)[0]!;
  const majorType = initial >> 5;
  const info = initial & 0x1f;
  if (majorType === MT_SIMPLE) {
    if (info === SIMPLE_FALSE) return false;
    if (info === SIMPLE_TRUE) return true;
    if (info === SIMPLE_NULL) return null;
    throw new Error(`CBOR: unsupported simple value or float (additional information ${info})`);
  }
  const argument = readArgument(reader, info);
  switch (majorType) {
    case MT_UNSIGNED:
      return argument;
    case MT_NEGATIVE:
      return -1 - argument;
    case MT_BYTES:
      return take(reader, argument).slice();
    case MT_TEXT:
      return new TextDecoder('utf-8', { fatal: true }).decode(take(reader, argument));
    case MT_ARRAY: {
      const items: CborValue[] = [];
      for (let i = 0; i < argument; i++) items.push(readValue(reader));
      return items;
    }
    case MT_MAP: {
      const map = new Map<CborKey, CborValue>();
      for (let i = 0; i < argument; i++) {
        const key = readValue(reader);
        if (typeof key !== 'number' && typeof key !== 'string') {
          throw new Error('CBOR: only integer and text map keys are supported');
        }
        if (map.has(key)) throw new Error(`CBOR: duplicate map key ${String(key)}`);
        map.set(key, readValue(reader));
      }
      return map;
    }
    default:
      throw new Error(`CBOR: unsupported major type ${majorType} (tags are not supported)`);
  }
}
