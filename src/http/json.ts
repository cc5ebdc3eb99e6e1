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
  return assertSchema<T>(schema, value);
}
