// Revocation over real HTTP: X509_REVOCATION=ocsp,crl with a pkijs OCSP responder, and CRLs
// downloaded from X509_CRL_URLS, fetched again once their nextUpdate has passed.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OcspResponder, startOcspResponder } from '../helpers/ocspResponder.js';
import {
  createCitizenCertificate,
  createCrl,
  createTestPki,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
} from '../helpers/pki.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from './citizenFlow.js';

const HOUR = 3600 * 1000;
let pki: TestPki;
let responder: OcspResponder;
let crlServer: Server;
/** What the CRL server publishes, by path. */
const published = new Map<string, Uint8Array>();
let crlDownloads = 0;
let server: TestServer;

beforeAll(async () => {
  pki = await createTestPki();
  responder = await startOcspResponder(pki.intermediate);
  crlServer = createServer((req, res) => {
    crlDownloads++;
    const body = published.get(req.url ?? '');
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}`;
  published.set('/root.crl', pki.rootCrl.der);
  // The issuing CA's CRL is due again in one hour.
  published.set(
    '/nca.crl',
    (await createCrl({ issuer: pki.intermediate, nextUpdate: new Date(Date.now() + HOUR) })).der,
  );
  const dir = mkdtempSync(join(tmpdir(), 'wallet-attest-pki-'));
  writeFileSync(join(dir, 'anchors.pem'), pki.root.pem);
  server = await startTestServer({
    IDENTITY_SOURCES: 'dev,x509',
    X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
    X509_REVOCATION: 'ocsp,crl',
    X509_OCSP_URL: responder.url,
    X509_OCSP_TIMEOUT_SECONDS: '2',
    X509_CRL_URLS: `${base}/root.crl,${base}/nca.crl`,
    X509_CRL_REFRESH_SECONDS: '60',
  });
});
afterAll(async () => {
  await server.close();
  await responder.close();
  await new Promise((resolve) => crlServer.close(resolve));
});
beforeEach(() => responder.reset());

function serialHex(citizen: TestCitizen): string {
  return Buffer.from(citizen.cert.serialNumber.valueBlock.valueHexView).toString('hex');
}

async function submit(citizen: TestCitizen) {
  const browser = server.browser();
  const { challenge } = await json<{ challenge: string }>(await browser.post('/v1/identity/x509/challenge'));
  const der = await signChallengeCms({
    challenge: new TextEncoder().encode(challenge),
    signerKey: citizen.keys.privateKey,
    signerCert: citizen.cert,
    extraCerts: [pki.intermediate.cert],
  });
  return browser.post('/v1/identity/x509/verify', {
    challenge,
    signedData: Buffer.from(der).toString('base64'),
  });
}

async function refusedWith(response: Response, reason: string): Promise<void> {
  const problem = await expectProblem(response, 401, 'identity-verification-failed');
  expect(problem).toMatchObject({ reason });
}

describe('x509 revocation by OCSP, then CRL', () => {
  it('accepts a certificate the OCSP responder reports good', async () => {
    const before = responder.requests;
    const response = await submit(pki.citizens.rsa);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(responder.requests).toBe(before + 1);
  });

  it('refuses a certificate the OCSP responder reports revoked, though no CRL lists it', async () => {
    const fresh = await createCitizenCertificate({ issuer: pki.intermediate });
    responder.behaviour.revoked.add(serialHex(fresh));
    await refusedWith(await submit(fresh), 'certificate-revoked');
  });

  it('falls back to the downloaded CRL when the OCSP answer cannot be trusted', async () => {
    responder.behaviour.nonce = 'other';
    const response = await submit(pki.citizens.ecdsa);
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it('reads the CRLs again after X509_CRL_REFRESH_SECONDS, in the background while they are current', async () => {
    const holder = await createCitizenCertificate({ issuer: pki.intermediate });
    responder.behaviour.status = 'unknown'; // the CRL decides
    expect((await submit(holder)).status).toBe(200);
    const previous = published.get('/nca.crl')!;
    published.set(
      '/nca.crl',
      (
        await createCrl({
          issuer: pki.intermediate,
          revoked: [holder.cert],
          nextUpdate: new Date(Date.now() + HOUR),
        })
      ).der,
    );
    const downloads = crlDownloads;
    server.clock.advance(61);
    try {
      // The CRLs held are still current: this request does not wait for the download.
      expect((await submit(holder)).status).toBe(200);
      await expect.poll(() => crlDownloads, { timeout: 5000 }).toBeGreaterThan(downloads);
      await expect.poll(async () => (await submit(holder)).status, { timeout: 5000 }).toBe(401);
    } finally {
      server.clock.advance(-61);
      published.set('/nca.crl', previous);
    }
  });

  it('downloads the CRL again once its nextUpdate has passed', async () => {
    const holder = await createCitizenCertificate({ issuer: pki.intermediate });
    responder.behaviour.status = 'unknown'; // the CRL decides
    expect((await submit(holder)).status).toBe(200);
    const downloads = crlDownloads;
    expect((await submit(holder)).status).toBe(200);
    expect(crlDownloads).toBe(downloads); // not due yet: nothing fetched
    published.set(
      '/nca.crl',
      (
        await createCrl({
          issuer: pki.intermediate,
          revoked: [holder.cert],
          now: new Date(Date.now() + 2 * HOUR),
        })
      ).der,
    );
    server.clock.advance(2 * 3600);
    try {
      await refusedWith(await submit(holder), 'certificate-revoked');
      expect(crlDownloads).toBeGreaterThan(downloads);
    } finally {
      server.clock.advance(-2 * 3600);
    }
  });
});
