// Exchange authentication and rate limiting: a bearer API key with the route's scope,
// then one token from the client's bucket. Every answer carries RateLimit-* headers.
import type { Context, MiddlewareHandler } from 'hono';
import { RateLimitedError } from '../../domain/errors.js';
import type { ApiScope } from '../../domain/exchange/apiKeys.js';
import type { ApiClient } from '../../services/apiClients.js';
import type { AppEnv } from '../env.js';

/** Takes `cost` tokens from the client's bucket, setting the headers; throws 429 when empty. */
export async function chargeRate(c: Context<AppEnv>, client: ApiClient, cost: number): Promise<void> {
  const { services } = c.get('deps');
  const result = await services.limiter.take(`api:${client.id}`, client.rate, cost, services.clock.now());
  c.header('ratelimit-limit', String(result.limit));
  c.header('ratelimit-remaining', String(result.remaining));
  c.header('ratelimit-reset', String(result.resetSeconds));
  if (!result.allowed) {
    const error = new RateLimitedError(
      `This client may make ${client.rate.burst} requests at once, refilled at ${client.rate.perSecond} per second`,
    );
    error.retryAfterSeconds = result.retryAfterSeconds;
    throw error;
  }
}

export function requireApiClient(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const client = await c.get('deps').apiKeys.authenticate(c.req.header('authorization'), scope);
    await chargeRate(c, client, 1);
    c.set('client', client);
    c.header('cache-control', 'no-store');
    await next();
  };
}
