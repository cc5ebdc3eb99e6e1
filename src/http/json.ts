import type { Context } from 'hono';
import { MalformedRequestError, UnsupportedMediaTypeError } from '../domain/errors.js';
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
