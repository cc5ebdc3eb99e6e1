// Regulator access: an officer (an identity with the regulator role, signed in with a
// passkey; acting needs a fresh passkey assertion) or a regulator system's API key with
// the route's scope. Citizens get 403, exchanges' keys 403 (missing scope).
import type { MiddlewareHandler } from 'hono';
import { AuthenticationRequiredError, EnrollmentOnlyError, ForbiddenError } from '../../domain/errors.js';
import type { RegulatorActor } from '../../services/regulator.js';
import { requireStepUp } from '../../services/wallets.js';
import { findIdentityById } from '../../store/repositories/identities.js';
import type { AppEnv } from '../env.js';
import { chargeRate } from './apiClient.js';

export function requireRegulator(scope: 'regulator:read' | 'regulator:act'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { services, apiKeys } = c.get('deps');
    let actor: RegulatorActor;
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const client = await apiKeys.authenticate(authorization, scope);
      await chargeRate(c, client, 1);
      actor = { id: client.id, via: 'api-key' };
    } else {
      const session = c.get('session');
      if (!session)
        throw new AuthenticationRequiredError('Regulator routes need an officer session or an API key');
      if (session.kind !== 'full') throw new EnrollmentOnlyError('Register a passkey first');
      const identity = await findIdentityById(services.db, session.identityId);
      if (!identity?.roles.split(' ').includes('regulator')) {
        throw new ForbiddenError('Only regulator officers may use this route');
      }
      if (scope === 'regulator:act') requireStepUp(services, session);
      actor = { id: identity.id, via: 'officer' };
    }
    c.set('regulator', actor);
    c.header('cache-control', 'no-store');
    await next();
  };
}
