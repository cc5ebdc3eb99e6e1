// The signed-in citizen: who am I, my passkeys and linked accounts, sign out.
import { Hono } from 'hono';
import { NotFoundError } from '../../domain/errors.js';
import { summariseIdentity } from '../../services/identities.js';
import { listPasskeySummaries, removeOwnPasskey, renameOwnPasskey } from '../../services/passkeys.js';
import { endSession } from '../../services/sessions.js';
import { listOwnBindings } from '../../services/wallets.js';
import { findIdentityById } from '../../store/repositories/identities.js';
import { clearCookie } from '../cookies.js';
import type { AppEnv } from '../env.js';
import { readJsonBody } from '../json.js';
import { requireSession } from '../middleware/session.js';
import { sessionJson } from './identity.js';

export function citizenRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/session/logout', requireSession('enrollment', 'full'), async (c) => {
    await endSession(c.get('deps').services, c.get('session')!);
    clearCookie(c, c.get('cookies'), c.get('cookies').session);
    // An officer's open case ends with the session: the next person here states their own.
    clearCookie(c, c.get('cookies'), c.get('cookies').openCase);
    return c.body(null, 204);
  });

  app.get('/me', requireSession('full'), async (c) => {
    const { services } = c.get('deps');
    const session = c.get('session')!;
    const identity = await findIdentityById(services.db, session.identityId);
    if (!identity) throw new NotFoundError('The identity of this session no longer exists');
    // The national ID is shown only when the holder asks for it explicitly.
    const revealNationalId = c.req.query('reveal') === 'nationalId';
    c.header('cache-control', 'no-store');
    return c.json({
      identity: await summariseIdentity(services, identity, { revealNationalId }),
      passkeys: await listPasskeySummaries(services, identity.id),
      bindings: await listOwnBindings(services, identity.id),
      session: sessionJson(session),
    });
  });

  app.patch('/passkeys/:id', requireSession('full'), async (c) => {
    const { name } = await readJsonBody<{ name: string }>(c, 'passkey-rename-request');
    await renameOwnPasskey(c.get('deps').services, c.get('session')!, c.req.param('id'), name);
    return c.body(null, 204);
  });

  app.delete('/passkeys/:id', requireSession('full'), async (c) => {
    await removeOwnPasskey(c.get('deps').services, c.get('session')!, c.req.param('id'));
    return c.body(null, 204);
  });

  return app;
}
