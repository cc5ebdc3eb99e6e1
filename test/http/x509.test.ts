// The x509 identity source over real HTTP: challenge → CMS signature by a national eID
// certificate from a test PKI → identity and enrollment session.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCitizenCertificate,
  createRootCa,
  createTestPki,
  OID,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
} from '../helpers/pki.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { expectProblem, json, registerPasskey } from './citizenFlow.js';

let server: TestServer;
let pki: TestPki;

beforeAll(async () => {
  pki = await createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'wallet-attest-pki-'));
  writeFileSync(join(dir, 'anchors.pem'), pki.root.pem);
  writeFileSync(join(dir, 'root.crl.pem'), pki.rootCrl.pem);
  // One CRL as PEM, one as DER (how NCA RK publishes them).
  writeFileSync(join(dir, 'intermediate.crl'), pki.crl.der);
  server = await startTestServer({
    IDENTITY_SOURCES: 'dev,x509',
    X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
    X509_CRL_FILES: `${join(dir, 'root.crl.pem')},${join(dir, 'intermediate.crl')}`,
  });
});
afterAll(() => server.close());

async function challengeFor(browser: TestBrowser): Promise<string> {
  const response = await browser.post('/v1/identity/x509/challenge');
  expect(response.status).toBe(200);
  const body = await json<{ challenge: string; expiresAt: string }>(response);
  expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  return body.challenge;
}

async function sign(citizen: TestCitizen, challenge: string): Promise<string> {
  const der = await signChallengeCms({
    challenge: new TextEncoder().encode(challenge),
    signerKey: citizen.keys.privateKey,
    signerCert: citizen.cert,
    extraCerts: [pki.intermediate.cert],
  });
  return Buffer.from(der).toString('base64');
}

describe('x509 identity verification', () => {
  it.each(['rsa', 'ecdsa'] as const)(
    'accepts a valid %s eID signature and allows passkey enrollment',
    async (kind) => {
      const citizen = pki.citizens[kind];
      const browser = server.browser();
      const challenge = await challengeFor(browser);
      const response = await browser.post('/v1/identity/x509/verify', {
        challenge,
        signedData: await sign(citizen, challenge),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await json(response)).toMatchObject({
        session: { kind: 'enrollment' },
        next: '/v1/webauthn/registration/options',
      });
      await registerPasskey(browser, new SoftAuthenticator({ origin: server.baseUrl }));
      const me = await json<{ identity: Record<string, unknown> }>(
        await browser.get('/v1/me?reveal=nationalId'),
      );
      expect(me.identity).toMatchObject({
        nationalId: citizen.iin,
        givenName: citizen.givenName,
        familyName: citizen.familyName,
        patronymic: citizen.patronymic,
        source: 'x509',
        level: 'high',
      });
    },
  );

  it('refuses a revoked certificate', async () => {
    const browser = server.browser();
    const challenge = await challengeFor(browser);
    const problem = await expectProblem(
      await browser.post('/v1/identity/x509/verify', {
        challenge,
        signedData: await sign(pki.citizens.revoked, challenge),
      }),
      401,
      'identity-verification-failed',
    );
    expect(problem).toMatchObject({ reason: 'certificate-revoked' });
  });

  it('refuses an expired certificate, a foreign CA and a wrong key usage', async () => {
    const day = 24 * 3600 * 1000;
    const expired = await createCitizenCertificate({
      issuer: pki.intermediate,
      notBefore: new Date(Date.now() - 30 * day),
      notAfter: new Date(Date.now() - day),
    });
    const foreignRoot = await createRootCa({});
    const foreign = await createCitizenCertificate({ issuer: foreignRoot });
    const encipherOnly = await createCitizenCertificate({
      issuer: pki.intermediate,
      keyUsage: ['keyEncipherment'],
    });
    const employee = await createCitizenCertificate({
      issuer: pki.intermediate,
      extendedKeyUsage: [OID.clientAuth, OID.ncaOrganisationEmployee],
    });
    const cases: [TestCitizen, string][] = [
      [expired, 'certificate-expired'],
      [foreign, 'untrusted-chain'],
      [encipherOnly, 'key-usage'],
      [employee, 'holder-role'],
    ];
    for (const [citizen, reason] of cases) {
      const browser = server.browser();
      const challenge = await challengeFor(browser);
      const problem = await expectProblem(
        await browser.post('/v1/identity/x509/verify', {
          challenge,
          signedData: await sign(citizen, challenge),
        }),
        401,
        'identity-verification-failed',
      );
      expect(problem).toMatchObject({ reason });
    }
  });

  it('refuses a signature over another challenge, a replay and a challenge from another browser', async () => {
    const browser = server.browser();
    const challenge = await challengeFor(browser);
    const other = await challengeFor(browser);
    const wrong = await expectProblem(
      await browser.post('/v1/identity/x509/verify', {
        challenge,
        signedData: await sign(pki.citizens.rsa, other),
      }),
      401,
      'identity-verification-failed',
    );
    expect(wrong).toMatchObject({ reason: 'content-mismatch' });
    // The challenge was consumed by the failed attempt: single use.
    await expectProblem(
      await browser.post('/v1/identity/x509/verify', {
        challenge,
        signedData: await sign(pki.citizens.rsa, challenge),
      }),
      400,
      'challenge-invalid',
    );
    const stolen = await challengeFor(browser);
    await expectProblem(
      await server.browser().post('/v1/identity/x509/verify', {
        challenge: stolen,
        signedData: await sign(pki.citizens.rsa, stolen),
      }),
      400,
      'challenge-invalid',
    );
  });

  it('refuses an expired challenge and malformed input', async () => {
    const browser = server.browser();
    const challenge = await challengeFor(browser);
    const signedData = await sign(pki.citizens.rsa, challenge);
    server.clock.advance(301);
    try {
      await expectProblem(
        await browser.post('/v1/identity/x509/verify', { challenge, signedData }),
        400,
        'challenge-invalid',
      );
    } finally {
      server.clock.advance(-301);
    }
    const fresh = await challengeFor(browser);
    await expectProblem(
      await browser.post('/v1/identity/x509/verify', { challenge: fresh, signedData: 'bm90IGEgQ01T' }),
      400,
      'malformed-request',
    );
    await expectProblem(
      await browser.post('/v1/identity/x509/verify', { challenge: fresh, signedData: '%%%' }),
      400,
      'malformed-request',
    );
    await expectProblem(
      await browser.post('/v1/identity/x509/verify', { challenge: fresh }),
      422,
      'validation-failed',
    );
  });
});
