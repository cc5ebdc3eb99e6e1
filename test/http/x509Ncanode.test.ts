// The x509 source with X509_VERIFIER=ncanode, over real HTTP on both sides: the service asks
// an NCANode fake (NCANode 3.x `/cms/verify` JSON) and still applies its own rules to the answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type NcaNodeFake, startNcaNodeFake } from '../helpers/ncanodeFake.js';
import {
  createCitizenCertificate,
  createGostCitizenCertificate,
  createTestPki,
  gostChallengeCms,
  OID,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
  validIin,
} from '../helpers/pki.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { expectProblem, json, registerPasskey } from './citizenFlow.js';

let server: TestServer;
let unreachable: TestServer;
let ncanode: NcaNodeFake;
let pki: TestPki;
let gost: TestCitizen;

function serialHex(citizen: TestCitizen): string {
  return Buffer.from(citizen.cert.serialNumber.valueBlock.valueHexView).toString('hex');
}

beforeAll(async () => {
  pki = await createTestPki();
  ncanode = await startNcaNodeFake([pki.intermediate.cert]);
  gost = await createGostCitizenCertificate({
    issuer: pki.intermediate,
    iin: validIin('88071530021'),
    familyName: 'ТӨЛЕГЕНОВ',
    givenName: 'ДӘУРЕН',
    patronymic: 'СЕРІКҰЛЫ',
  });
  const env = {
    IDENTITY_SOURCES: 'dev,x509',
    X509_VERIFIER: 'ncanode',
    X509_REVOCATION: 'ocsp,crl',
  };
  server = await startTestServer({ ...env, NCANODE_URL: ncanode.url });
  // Port 9 (discard) on loopback: nothing listens there, so every connection is refused.
  unreachable = await startTestServer({
    ...env,
    NCANODE_URL: 'http://127.0.0.1:9',
    NCANODE_TIMEOUT_SECONDS: '2',
  });
});
afterAll(async () => {
  await server.close();
  await unreachable.close();
  await ncanode.close();
});
beforeEach(() => {
  ncanode.reset();
  ncanode.vouchedGost.add(serialHex(gost));
});

async function challengeFor(browser: TestBrowser): Promise<string> {
  const response = await browser.post('/v1/identity/x509/challenge');
  expect(response.status).toBe(200);
  return (await json<{ challenge: string }>(response)).challenge;
}

async function gostSignature(citizen: TestCitizen, challenge: string, detached = false): Promise<string> {
  const der = await gostChallengeCms({
    challenge: new TextEncoder().encode(challenge),
    signerCert: citizen.cert,
    extraCerts: [pki.intermediate.cert],
    detached,
  });
  return Buffer.from(der).toString('base64');
}

async function submit(
  target: TestServer,
  citizen: TestCitizen,
  o: { detached?: boolean; rsa?: boolean } = {},
) {
  const browser = target.browser();
  const challenge = await challengeFor(browser);
  const signedData = o.rsa
    ? Buffer.from(
        await signChallengeCms({
          challenge: new TextEncoder().encode(challenge),
          signerKey: citizen.keys.privateKey,
          signerCert: citizen.cert,
          extraCerts: [pki.intermediate.cert],
        }),
      ).toString('base64')
    : await gostSignature(citizen, challenge, o.detached);
  return {
    browser,
    challenge,
    response: await browser.post('/v1/identity/x509/verify', { challenge, signedData }),
  };
}

async function refusedWith(response: Response, reason: string): Promise<void> {
  const problem = await expectProblem(response, 401, 'identity-verification-failed');
  expect(problem).toMatchObject({ reason });
}

describe('x509 through NCANode', () => {
  it('accepts a GOST signature NCANode verifies, with the names as the certificate gives them', async () => {
    const { browser, challenge, response } = await submit(server, gost);
    expect(response.status, await response.clone().text()).toBe(200);
    // The service sent the CMS and asked for the revocation checks X509_REVOCATION names.
    expect(ncanode.requests).toHaveLength(1);
    expect(ncanode.requests[0]!.revocationCheck).toEqual(['OCSP', 'CRL']);
    expect(ncanode.requests[0]!.data).toBeUndefined();
    expect(Buffer.from(ncanode.requests[0]!.cms, 'base64').includes(Buffer.from(challenge))).toBe(true);
    await registerPasskey(browser, new SoftAuthenticator({ origin: server.baseUrl }));
    const me = await json<{ identity: Record<string, unknown> }>(
      await browser.get('/v1/me?reveal=nationalId'),
    );
    expect(me.identity).toMatchObject({
      nationalId: gost.iin,
      familyName: 'ТӨЛЕГЕНОВ',
      givenName: 'ДӘУРЕН',
      patronymic: 'СЕРІКҰЛЫ',
      source: 'x509',
    });
  });

  it('sends the challenge as data for a detached CMS', async () => {
    const { challenge, response } = await submit(server, gost, { detached: true });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(Buffer.from(ncanode.requests[0]!.data!, 'base64').toString()).toBe(challenge);
  });

  it('accepts an RSA signature NCANode verifies (the fake checks it with pkijs)', async () => {
    const { response } = await submit(server, pki.citizens.rsa, { rsa: true });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('refuses what NCANode finds invalid: an unvouched GOST signature', async () => {
    ncanode.vouchedGost.clear();
    await refusedWith((await submit(server, gost)).response, 'bad-signature');
  });

  it('refuses a certificate NCANode reports revoked', async () => {
    ncanode.revoked.add(serialHex(gost));
    await refusedWith((await submit(server, gost)).response, 'certificate-revoked');
  });

  it('refuses when NCANode reports no revocation check', async () => {
    ncanode.override.omitRevocations = true;
    await refusedWith((await submit(server, gost)).response, 'revocation-unknown');
  });

  it('refuses when NCANode reads another IIN or speaks of another certificate', async () => {
    ncanode.override.iin = validIin('85031540012');
    await refusedWith((await submit(server, gost)).response, 'verifier-mismatch');
    ncanode.override = { serialNumber: '0badc0de' };
    await refusedWith((await submit(server, gost)).response, 'verifier-mismatch');
  });

  it('applies its own holder-role rule even when NCANode finds the signature valid', async () => {
    const head = await createGostCitizenCertificate({
      issuer: pki.intermediate,
      extendedKeyUsage: [OID.clientAuth, OID.ncaOrganisationHead],
    });
    ncanode.vouchedGost.add(serialHex(head));
    await refusedWith((await submit(server, head)).response, 'holder-role');
    expect(ncanode.requests).toHaveLength(0);
  });

  it('refuses a signature over another challenge without asking NCANode', async () => {
    const browser = server.browser();
    const challenge = await challengeFor(browser);
    const other = await challengeFor(browser);
    const response = await browser.post('/v1/identity/x509/verify', {
      challenge,
      signedData: await gostSignature(gost, other),
    });
    await refusedWith(response, 'content-mismatch');
    expect(ncanode.requests).toHaveLength(0);
  });

  it('answers 503 identity-check-unavailable when NCANode cannot be reached or answers nonsense', async () => {
    const down = await expectProblem(
      (await submit(unreachable, gost)).response,
      503,
      'identity-check-unavailable',
    );
    expect(down).toMatchObject({ dependency: 'ncanode' });
    ncanode.override.httpStatus = 500;
    await expectProblem((await submit(server, gost)).response, 503, 'identity-check-unavailable');
    ncanode.override = { garbage: true };
    await expectProblem((await submit(server, gost)).response, 503, 'identity-check-unavailable');
  });

  it('refuses a certificate that is not yet valid by its own reading', async () => {
    const early = await createCitizenCertificate({
      issuer: pki.intermediate,
      notBefore: new Date(Date.now() + 24 * 3600 * 1000),
    });
    await refusedWith((await submit(server, early, { rsa: true })).response, 'certificate-not-yet-valid');
  });
});
