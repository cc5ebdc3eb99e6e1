// Request ID, structured access log and metrics for every request. Only the route
// pattern is logged — raw paths and query strings can carry codes and national IDs.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../env.js';

export function observe(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    c.set('requestId', requestId);
    // Set before the handler, so the response is built with it (see securityHeaders.ts).
    c.header('x-request-id', requestId);
    await next();
    if (!c.res.headers.has('x-request-id')) c.res.headers.set('x-request-id', requestId);
    const route = c.res.status === 404 && routePath(c) === '*' ? 'unmatched' : routePath(c);
    const seconds = (performance.now() - started) / 1000;
    const { metrics, logger } = c.get('deps');
    metrics.observe(c.req.method, route, c.res.status, seconds);
    logger.log(c.res.status >= 500 ? 'error' : 'info', 'request', {
      requestId,
      method: c.req.method,
      route,
      status: c.res.status,
      durationMs: Math.round(seconds * 1000 * 10) / 10,
    });
  };
}
