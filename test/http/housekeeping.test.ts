// Expired challenges and sessions are removed; live ones stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/services/housekeeping.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signedInCitizens } from './walletFlow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const count = async (table: 'challenges' | 'wallet_challenges' | 'sessions') =>
  (await server.assembled.db.selectFrom(table).select('id').execute()).length;

describe('housekeeping', () => {
  it('deletes challenges and sessions past their lifetime, and nothing else', async () => {
    const [abandoned] = await signedInCitizens(server, 1);
    await abandoned!.browser.post('/v1/webauthn/authentication/options');
    await abandoned!.browser.post('/v1/wallets/challenge', {
      account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
    });
    expect(await purgeExpired(server.assembled.services)).toEqual({
      challenges: 0,
      walletChallenges: 0,
      sessions: 0,
    });

    server.clock.advance(31 * 60); // past challenge lifetimes and the session idle timeout
    try {
      const [fresh] = await signedInCitizens(server, 1);
      const removed = await purgeExpired(server.assembled.services);
      expect(removed.challenges).toBeGreaterThanOrEqual(1);
      expect(removed.walletChallenges).toBe(1);
      expect(removed.sessions).toBeGreaterThanOrEqual(1);
      expect(await count('challenges')).toBe(0);
      expect(await count('wallet_challenges')).toBe(0);
      // The session started after the jump is alive and kept.
      expect(await count('sessions')).toBe(1);
      expect((await fresh!.browser.get('/v1/me')).status).toBe(200);
    } finally {
      server.clock.advance(-31 * 60);
    }
  });
});
