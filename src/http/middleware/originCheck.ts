// CSRF defence for cookie-authenticated browser requests: a state-changing request that
// carries one of our cookies must come from our own origin. Requests without our cookies
// (API clients, the dev IdP's token endpoint) carry no ambient authority and pass.
import type { MiddlewareHandler } from 'hono';
import { OriginMismatchError } from '../../domain/errors.js';
import { readCookie } from '../cookies.js';
import type { AppEnv } from '../env.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originCheck(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const cookies = c.get('cookies');
      const usesCookies =
        readCookie(c, cookies.session) !== undefined || readCookie(c, cookies.flow) !== undefined;
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      // Under `Referrer-Policy: no-referrer` browsers send `Origin: null` on form posts; then
      // Sec-Fetch-Site (set by the browser, not by page scripts) vouches for the origin.
      const sameOrigin =
        origin === c.get('config').origin ||
        ((origin === undefined || origin === 'null') && fetchSite === 'same-origin');
      if (usesCookies && !sameOrigin) {
        throw new OriginMismatchError(`Requests with a session must come from ${c.get('config').origin}`);
      }
      if (fetchSite === 'cross-site') throw new OriginMismatchError('Cross-site requests are refused');
    }
    await next();
  };
}
