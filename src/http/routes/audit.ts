// The audit log as a transparency log: public checkpoints and consistency proofs;
// inclusion proofs for regulators (any entry) and citizens (entries about themselves).
import { Hono } from 'hono';
import { AuthenticationRequiredError } from '../../domain/errors.js';
import { activityOf } from '../../services/activity.js';
import { citizenView } from '../../services/disclosure.js';
import {
  consistency,
  currentCheckpoint,
  entriesAbout,
  inclusion,
  type ProofReader,
} from '../../services/transparency.js';
import { findIdentityById } from '../../store/repositories/identities.js';
import type { AppEnv } from '../env.js';
import { requireRegulator } from '../middleware/regulator.js';
import { requireSession } from '../middleware/session.js';

export function auditRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/checkpoint', async (c) => {
    c.header('cache-control', 'no-cache');
    return c.json(await currentCheckpoint(c.get('deps').services));
  });

  app.get('/consistency', async (c) =>
    c.json(await consistency(c.get('deps').services, c.req.query('first'), c.req.query('second'))),
  );

  app.get('/entries/:seq/proof', async (c) => {
    // Regulators (officer or key) see every entry; a citizen only entries about them.
    const { services } = c.get('deps');
    const session = c.get('session');
    let reader: ProofReader | undefined;
    if (c.req.header('authorization') === undefined && session?.kind === 'full') {
      const identity = await findIdentityById(services.db, session.identityId);
      if (!identity?.roles.split(' ').includes('regulator'))
        reader = { kind: 'citizen', identityId: session.identityId };
    }
    if (!reader) {
      if (c.req.header('authorization') === undefined && !session) {
        throw new AuthenticationRequiredError('Sign in, or use a regulator API key');
      }
      await requireRegulator('regulator:read')(c, async () => {});
      reader = { kind: 'regulator' };
    }
    c.header('cache-control', 'no-store');
    return c.json(await inclusion(services, reader, c.req.param('seq'), c.req.query('treeSize')));
  });

  return app;
}

/**
 * GET /v1/me/audit: the entries about the signed-in citizen (to ask proofs for), as
 * citizens see them (regulators' entries without officer or case, confidential cases'
 * lookups withheld); GET /v1/me/activity: the official access and exchange queries of them.
 */
export function ownAuditRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/me/audit', requireSession('full'), async (c) => {
    const { services } = c.get('deps');
    c.header('cache-control', 'no-store');
    const { entries } = await citizenView(
      services,
      await entriesAbout(services, c.get('session')!.identityId),
    );
    return c.json({ entries });
  });
  app.get('/me/activity', requireSession('full'), async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await activityOf(c.get('deps').services, c.get('session')!.identityId));
  });
  return app;
}
