import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { randomBytes, toHex } from '../domain/encoding.js';
import { MalformedRequestError, UnsupportedMediaTypeError } from '../domain/errors.js';
import { StoredJson } from '../domain/storedJson.js';
import { assertSchema, type SchemaName } from './schemas.js';

/** Reads a JSON body and checks it against its published schema; every failure is a 4xx problem. */
export async function readJsonBody<T>(c: Context, schema: SchemaName): Promise<T> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(
      `Send the body as application/json (got "${contentType || 'nothing'}")`,
    );
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedRequestError('The body is not valid JSON');
  }
  if (containsNul(value)) throw new MalformedRequestError('The body contains a NUL character');
  return assertSchema<T>(schema, value);
}

/** NUL has no meaning in any text the service takes, and PostgreSQL refuses it in text columns. */
function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || containsNul(inner));
  }
  return false;
}

/**
 * JSON.stringify, except that StoredJson values are embedded as their stored text. The
 * replacer sees each object before its properties, so it hands on a copy in which every
 * StoredJson property is a marker string unique to this call (toJSON is never reached);
 * the quoted markers are then replaced by the stored texts.
 */
export function serializeJson(value: unknown): string {
  const stored: string[] = [];
  const marker = `stored-json:${toHex(randomBytes(12))}:`;
  const text = JSON.stringify(value, (_key, current: unknown) => {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return current;
    let copy: Record<string, unknown> | undefined;
    const object = current as Record<string, unknown>;
    for (const name in object) {
      const inner = object[name];
      if (inner instanceof StoredJson) {
        copy ??= { ...object };
        stored.push(inner.text);
        copy[name] = `${marker}${stored.length - 1}`;
      }
    }
    return copy ?? current;
  });
  if (stored.length === 0) return text;
  return text.replace(new RegExp(`"${marker}(\\d+)"`, 'g'), (_, index: string) => stored[Number(index)]!);
}

/** A JSON response whose StoredJson values are embedded as stored. */
export function jsonResponse(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(serializeJson(value), status, { 'content-type': 'application/json' });
}
