// Regulator access: an officer (an identity with the regulator role, signed in with a
// passkey; acting needs a fresh passkey assertion) or a regulator system's API key with
// the route's scope. Citizens get 403, exchanges' keys 403 (missing scope). The purpose and
// case the request states (http/officerCase.ts) go with the actor; the regulator services
// refuse a lookup or action without them.
import type { MiddlewareHandler } from 'hono';
import { AuthenticationRequiredError, EnrollmentOnlyError, ForbiddenError } from '../../domain/errors.js';
import type { RegulatorActor } from '../../services/regulator.js';
import { requireStepUp } from '../../services/wallets.js';
import { findIdentityById } from '../../store/repositories/identities.js';
import type { AppEnv } from '../env.js';
import { requireStatedAccess, statedAccess } from '../officerCase.js';
import { chargeRate } from './apiClient.js';

/**
 * `purposeBound`: a lookup or action, refused here (once the caller is known to be a
 * regulator) when the request states no purpose and case, naming what is missing.
 */
export function requireRegulator(
  scope: 'regulator:read' | 'regulator:act',
  options: { purposeBound?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { services, apiKeys } = c.get('deps');
    let actor: RegulatorActor;
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const client = await apiKeys.authenticate(authorization, scope);
      await chargeRate(c, client, 1);
      const access = statedAccess(c, 'headers');
      actor = { id: client.id, via: 'api-key', ...(access ? { access } : {}) };
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
      const access = statedAccess(c, 'headers-or-open-case');
      actor = { id: identity.id, via: 'officer', ...(access ? { access } : {}) };
    }
    if (options.purposeBound && !actor.access) requireStatedAccess();
    c.set('regulator', actor);
    c.header('cache-control', 'no-store');
    await next();
  };
}
