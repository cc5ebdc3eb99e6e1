// No NUL characters anywhere in a request's path, query or JSON body. They have no
// meaning in any identifier or text the service takes, and PostgreSQL refuses them in
// text columns — a request carrying one gets a 400 here instead of a 500 there.
import type { MiddlewareHandler } from 'hono';
import { MalformedRequestError } from '../../domain/errors.js';
import type { AppEnv } from '../env.js';

export function refuseNulCharacters(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    // HTTP parsers refuse a raw NUL in the request line, so only a percent-encoded one can
    // arrive: a URL without '%' needs no decoding (most requests; it saves two URL parses).
    if (url.includes('%')) {
      const pathStart = url.indexOf('/', url.indexOf('//') + 2);
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathStart < 0 ? '' : url.slice(pathStart).split('#')[0]!);
      } catch {
        throw new MalformedRequestError('The URL is not valid percent-encoding');
      }
      if (decoded.includes('\u0000')) throw new MalformedRequestError('The URL contains a NUL character');
    }
    await next();
  };
}
