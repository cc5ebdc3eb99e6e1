// The operator's routes: a bearer token checked against the SHA-256 in OPERATOR_TOKEN_SHA256.
// Without that setting the routes do not exist for anyone (404), so a deployment that
// runs the CLI against its database has no operator surface on the network at all.
import type { MiddlewareHandler } from 'hono';
import { hashToken } from '../../crypto/tokens.js';
import { InvalidOperatorTokenError, NotFoundError } from '../../domain/errors.js';
import { bearerToken, constantTimeEqual } from '../../domain/exchange/apiKeys.js';
import type { AppEnv } from '../env.js';

export function requireOperator(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { services } = c.get('deps');
    const expected = services.config.operatorTokenHash;
    if (expected === undefined) throw new NotFoundError('No such resource');
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined) {
      throw new InvalidOperatorTokenError('Send the operator token as "Authorization: Bearer <token>"');
    }
    if (!constantTimeEqual(await hashToken(token, services.digests), expected)) {
      throw new InvalidOperatorTokenError();
    }
    c.header('cache-control', 'no-store');
    await next();
  };
}
