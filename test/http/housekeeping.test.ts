// Expired challenges, sessions and exchange interest are removed; live ones stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { purgeExpired } from '../../src/services/housekeeping.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { verifyIdentityWithDevIdp } from './citizenFlow.js';
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
    // A sign-in at the dev IdP leaves its access token behind (its code is used up at once).
    await verifyIdentityWithDevIdp(server.browser(), TEST_PERSONS[0]!.nationalId);
    const [abandoned] = await signedInCitizens(server, 1);
    await abandoned!.browser.post('/v1/webauthn/authentication/options');
    await abandoned!.browser.post('/v1/wallets/challenge', {
      account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
    });
    expect(await purgeExpired(server.assembled.services)).toEqual({
      challenges: 0,
      walletChallenges: 0,
      sessions: 0,
      devIdpGrants: 0,
      interest: 0,
      egovSignings: 0,
    });

    server.clock.advance(31 * 60); // past challenge lifetimes and the session idle timeout
    try {
      const [fresh] = await signedInCitizens(server, 1);
      const removed = await purgeExpired(server.assembled.services);
      expect(removed.challenges).toBeGreaterThanOrEqual(1);
      expect(removed.walletChallenges).toBe(1);
      expect(removed.sessions).toBeGreaterThanOrEqual(1);
      expect(removed.devIdpGrants).toBe(1);
      expect(await count('challenges')).toBe(0);
      expect(await count('wallet_challenges')).toBe(0);
      // The session started after the jump is alive and kept.
      expect(await count('sessions')).toBe(1);
      expect((await fresh!.browser.get('/v1/me')).status).toBe(200);
    } finally {
      server.clock.advance(-31 * 60);
    }
  });

  it('forgets which exchange looked an account up once the webhook window is over', async () => {
    const exchange = api(server, (await apiClient(server, ['attestations:read'])).key);
    const old = 'eip155:1:0x00000000000000000000000000000000000000A1';
    const recent = 'eip155:1:0x00000000000000000000000000000000000000b2';
    const interest = () => server.assembled.db.selectFrom('exchange_interest').select('account').execute();
    expect((await exchange.get(`/v1/attestations/${old}`)).status).toBe(200);
    // WEBHOOK_INTEREST_DAYS (30) and the hour of the refresh step later, the other lookup.
    server.clock.advance(30 * 86_400 + 3600 + 60);
    try {
      expect((await exchange.get(`/v1/attestations/${recent}`)).status).toBe(200);
      expect(await interest()).toHaveLength(2);
      expect((await purgeExpired(server.assembled.services)).interest).toBe(1);
      expect((await interest()).map((row) => row.account.toLowerCase())).toEqual([recent.toLowerCase()]);
    } finally {
      server.clock.advance(-(30 * 86_400 + 3600 + 60));
    }
  });
});
