// Passkey ceremonies. Options routes answer @simplewebauthn/server's options JSON as is;
// verify routes take @simplewebauthn/browser's response JSON as the body.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Hono } from 'hono';
import {
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  summarisePasskey,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
} from '../../services/passkeys.js';
import type { AppEnv } from '../env.js';
import { currentFlow, ensureFlow } from '../flow.js';
import { readJsonBody } from '../json.js';
import { requireSession } from '../middleware/session.js';
import { assertSchema } from '../schemas.js';
import { sessionJson, setSessionCookie } from './identity.js';

export function webauthnRoutes() {
  const app = new Hono<AppEnv>();

  app.post('/registration/options', requireSession('enrollment', 'full'), async (c) => {
    return c.json(await passkeyRegistrationOptions(c.get('deps').services, c.get('session')!));
  });

  app.post('/registration/verify', requireSession('enrollment', 'full'), async (c) => {
    const name = c.req.query('name');
    // The optional name follows the same rule as a rename.
    if (name !== undefined) assertSchema('passkey-rename-request', { name });
    const response = await readJsonBody<RegistrationResponseJSON>(c, 'webauthn-registration-response');
    const result = await verifyPasskeyRegistration(c.get('deps').services, c.get('session')!, response, name);
    if (result.token) setSessionCookie(c, result.token, result.session);
    return c.json({
      verified: true,
      passkey: summarisePasskey(result.passkey),
      session: sessionJson(result.session),
    });
  });

  app.post('/authentication/options', async (c) => {
    return c.json(await passkeyAuthenticationOptions(c.get('deps').services, ensureFlow(c)));
  });

  app.post('/authentication/verify', async (c) => {
    const response = await readJsonBody<AuthenticationResponseJSON>(c, 'webauthn-authentication-response');
    const result = await verifyPasskeyAuthentication(
      c.get('deps').services,
      currentFlow(c),
      response,
      c.get('session'),
    );
    setSessionCookie(c, result.token, result.session);
    return c.json({ verified: true, session: sessionJson(result.session) });
  });

  return app;
}
