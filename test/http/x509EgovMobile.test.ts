// "Sign with eGov Mobile" over real HTTP on every side: the service registers a QR signing
// with a SIGEX fake speaking SIGEX's protocol, its background poller hands SIGEX the x509
// challenge and brings back the CMS, which the test makes as the citizen's phone would
// (a detached CMS by a test PKI citizen's key); the page's completion then verifies it by
// the same rules as POST /v1/identity/x509/verify.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { type Logger, silentLogger } from '../../src/observability/logger.js';
import { type BackgroundWork, startBackgroundWork } from '../../src/runtime/backgroundWork.js';
import { startNcaNodeFake } from '../helpers/ncanodeFake.js';
import {
  createCitizenCertificate,
  createGostCitizenCertificate,
  createRootCa,
  createTestPki,
  gostChallengeCms,
  OID,
  signChallengeCms,
  type TestCitizen,
  type TestPki,
  validIin,
} from '../helpers/pki.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { type PhoneSigner, type SigexFake, startSigexFake } from '../helpers/sigexFake.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { expectProblem, json, registerPasskey } from './citizenFlow.js';

let server: TestServer;
let sigex: SigexFake;
let pki: TestPki;
let work: BackgroundWork;
let dir: string;
let env: Record<string, string>;

interface Started {
  id: string;
  status: string;
  qrCode: string;
  eGovMobileLaunchLink?: string;
  expiresAt: string;
}
interface Status {
  id: string;
  status: string;
  expiresAt: string;
  problem?: { type: string; status: number; reason?: string };
}

const runBackground = (target: TestServer, logger: Logger = silentLogger) =>
  startBackgroundWork(target.assembled.services, { logger, intervalMs: 25 });

beforeAll(async () => {
  pki = await createTestPki();
  sigex = await startSigexFake();
  dir = mkdtempSync(join(tmpdir(), 'wallet-attest-egov-'));
  writeFileSync(join(dir, 'anchors.pem'), pki.root.pem);
  writeFileSync(join(dir, 'crls.pem'), pki.rootCrl.pem + pki.crl.pem);
  env = {
    IDENTITY_SOURCES: 'dev,x509',
    X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
    X509_CRL_FILES: join(dir, 'crls.pem'),
    SIGEX_URL: sigex.url,
    SIGEX_TIMEOUT_SECONDS: '2',
    SIGEX_POLL_SECONDS: '2',
  };
  server = await startTestServer(env);
  work = runBackground(server);
});
afterAll(async () => {
  await work?.stop();
  await server?.close();
  await sigex?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The citizen's phone: a detached CMS over exactly the bytes eGov Mobile was given. */
function phoneOf(citizen: TestCitizen, extraCerts = [pki.intermediate.cert]): PhoneSigner {
  return (data) =>
    signChallengeCms({
      challenge: data,
      signerKey: citizen.keys.privateKey,
      signerCert: citizen.cert,
      extraCerts,
      detached: true,
    });
}

async function start(browser: TestBrowser): Promise<Started> {
  const response = await browser.post('/v1/identity/egov-mobile');
  expect(response.status, await response.clone().text()).toBe(201);
  const body = await json<Started>(response);
  expect(response.headers.get('location')).toBe(`/v1/identity/egov-mobile/${body.id}`);
  return body;
}

async function statusOf(browser: TestBrowser, id: string): Promise<Status> {
  const response = await browser.get(`/v1/identity/egov-mobile/${id}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Status>(response);
}

function reaches(browser: TestBrowser, id: string, status: string) {
  return expect
    .poll(async () => (await statusOf(browser, id)).status, { timeout: 15_000, interval: 25 })
    .toBe(status);
}

/** QR shown → scanned → signed in eGov Mobile → the signature is back at the service. */
/**
 * Runs `body` on a second instance over this server's database and data directory, with
 * its background work running and `browser`'s cookies in a browser of its own; then this
 * instance's background work (which the caller stopped) runs again.
 */
async function onAnotherInstance(
  browser: TestBrowser,
  body: (next: TestServer, same: TestBrowser) => Promise<void>,
): Promise<void> {
  const config = server.assembled.services.config;
  const next = await startTestServer({
    ...env,
    DATA_DIR: server.dataDir,
    ...(config.database.kind === 'postgres' ? { DATABASE_URL: config.database.url } : {}),
  });
  const nextWork = runBackground(next);
  try {
    const same = next.browser();
    for (const [name, value] of browser.cookies) same.cookies.set(name, value);
    await body(next, same);
  } finally {
    await nextWork.stop();
    await next.close();
    work = runBackground(server);
  }
}

async function signedWith(browser: TestBrowser, citizen: TestCitizen): Promise<Started> {
  const started = await start(browser);
  await sigex.sign(phoneOf(citizen));
  await reaches(browser, started.id, 'signed');
  return started;
}

describe('signing in with eGov Mobile', () => {
  it('shows the QR, follows the signing and verifies the identity like an x509 signature', async () => {
    const browser = server.browser();
    const started = await start(browser);
    expect(started.status).toBe('waiting');
    expect(started.qrCode).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(started.eGovMobileLaunchLink).toMatch(/^https:\/\//);
    const procedure = sigex.latest();
    const host = new URL(server.baseUrl).host;
    // What eGov Mobile shows: the service's address first, in the page's language.
    expect(procedure.description).toBe(`${host}: identity verification to sign in`);
    expect(await statusOf(browser, started.id)).toMatchObject({ status: 'waiting' });

    // eGov Mobile scans the QR and takes the challenge: one document, to be signed detached.
    const documents = await sigex.scan();
    expect(procedure.signMethod).toBe('CMS_SIGN_ONLY');
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ id: 1, meta: [], document: { file: { mime: '' } } });
    expect(documents[0]).toMatchObject({
      nameKz: `${host} сайтына кіру үшін жеке басын растау`,
      nameRu: `Подтверждение личности для входа на ${host}`,
      nameEn: `Identity verification to sign in at ${host}`,
    });
    const challenge = Buffer.from(documents[0]!.document.file.data, 'base64').toString('utf8');
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await reaches(browser, started.id, 'scanned');

    await sigex.sign(phoneOf(pki.citizens.rsa));
    await reaches(browser, started.id, 'signed');
    const verified = await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`);
    expect(verified.status, await verified.clone().text()).toBe(200);
    expect(await json(verified)).toMatchObject({
      created: true,
      session: { kind: 'enrollment' },
      next: '/v1/webauthn/registration/options',
    });
    expect(await statusOf(browser, started.id)).toMatchObject({ status: 'completed' });

    await registerPasskey(browser, new SoftAuthenticator({ origin: server.baseUrl }));
    const me = await json<{ identity: Record<string, unknown> }>(
      await browser.get('/v1/me?reveal=nationalId'),
    );
    expect(me.identity).toMatchObject({
      source: 'x509',
      nationalId: pki.citizens.rsa.iin,
      givenName: 'АЙГЕРИМ',
      familyName: 'САПАРОВА',
      patronymic: 'ҚАНАТҚЫЗЫ',
    });
  });

  it('describes the signing to SIGEX in the language of the page', async () => {
    const response = await server.browser().post('/v1/identity/egov-mobile', undefined, {
      headers: { 'accept-language': 'kk-KZ, ru;q=0.8' },
    });
    expect(response.status).toBe(201);
    expect(sigex.latest().description).toBe(`${new URL(server.baseUrl).host}: кіру үшін жеке басын растау`);
  });

  it('completes once: a second completion creates nothing and says the signing is used', async () => {
    const browser = server.browser();
    const citizen = await createCitizenCertificate({
      issuer: pki.intermediate,
      iin: validIin('88071530021'),
    });
    const started = await signedWith(browser, citizen);
    const [first, second] = await Promise.all([
      browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
    ]);
    // One completes; the other finds it being completed (409) or already used (400).
    const statuses = [first.status, second.status].sort();
    expect(statuses[0], `${await first.text()} ${await second.text()}`).toBe(200);
    expect([400, 409]).toContain(statuses[1]);
    const again = await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`);
    await expectProblem(again, 400, 'challenge-invalid');
    const identities = await server.assembled.db
      .selectFrom('identities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const sessions = await server.assembled.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // Signing once more in eGov Mobile (SIGEX answering the signature again) changes nothing either.
    await sigex.sign(phoneOf(citizen), sigex.latest().id);
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      400,
      'challenge-invalid',
    );
    expect(
      await server.assembled.db
        .selectFrom('identities')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual(identities);
    expect(
      await server.assembled.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual(sessions);
    // What the signing kept is sealed, and the signature is gone once it has served.
    const row = await server.assembled.db
      .selectFrom('egov_signings')
      .selectAll()
      .where('id', '=', started.id)
      .executeTakeFirstOrThrow();
    expect(row.sealed_signature).toBeNull();
    expect(row.sealed_flow).not.toContain(sigex.url.slice(7));
  });

  it('refuses an organisation certificate, an invalid IIN and an untrusted CA, and the signing says so', async () => {
    const organisation = await createCitizenCertificate({
      issuer: pki.intermediate,
      extendedKeyUsage: [OID.clientAuth, OID.ncaOrganisation, OID.ncaOrganisationEmployee],
    });
    const browser = server.browser();
    let started = await signedWith(browser, organisation);
    const refused = await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      401,
      'identity-verification-failed',
    );
    expect(refused).toMatchObject({ reason: 'holder-role' });
    expect(await statusOf(browser, started.id)).toMatchObject({
      status: 'failed',
      problem: { status: 401, reason: 'holder-role' },
    });

    const valid = validIin('91020240012');
    const wrongCheckDigit = valid.slice(0, 11) + String((Number(valid[11]) + 1) % 10);
    const badIin = await createCitizenCertificate({ issuer: pki.intermediate, iin: wrongCheckDigit });
    started = await signedWith(browser, badIin);
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      422,
      'invalid-national-id',
    );

    const strangerRoot = await createRootCa({});
    const stranger = await createCitizenCertificate({ issuer: strangerRoot });
    started = await start(browser);
    await sigex.sign(phoneOf(stranger, []));
    await reaches(browser, started.id, 'signed');
    const untrusted = await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      401,
      'identity-verification-failed',
    );
    expect(untrusted).toMatchObject({ reason: 'untrusted-chain' });
  });

  it('fails the signing when the citizen declines in eGov Mobile', async () => {
    const browser = server.browser();
    const started = await start(browser);
    await sigex.scan();
    sigex.decline();
    await reaches(browser, started.id, 'failed');
    expect((await statusOf(browser, started.id)).problem).toMatchObject({
      type: 'https://wallet-attest.example/problems/identity-provider-error',
      status: 502,
    });
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      400,
      'challenge-invalid',
    );
  });

  it('answers 409 while the citizen has not signed yet', async () => {
    const browser = server.browser();
    const started = await start(browser);
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      409,
      'signing-not-finished',
    );
    await sigex.scan();
    await reaches(browser, started.id, 'scanned');
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      409,
      'signing-not-finished',
    );
  });
});

describe('a GOST key in eGov Mobile, verified by NCANode', () => {
  it('completes through NCANode like a GOST signature posted to /x509/verify', async () => {
    const ncanode = await startNcaNodeFake([pki.intermediate.cert]);
    const gostServer = await startTestServer({
      IDENTITY_SOURCES: 'dev,x509',
      X509_VERIFIER: 'ncanode',
      NCANODE_URL: ncanode.url,
      X509_REVOCATION: 'ocsp,crl',
      SIGEX_URL: sigex.url,
      SIGEX_POLL_SECONDS: '2',
    });
    const gostWork = runBackground(gostServer);
    try {
      const citizen = await createGostCitizenCertificate({
        issuer: pki.intermediate,
        iin: validIin('88071530021'),
        familyName: 'ТӨЛЕГЕНОВ',
        givenName: 'ДӘУРЕН',
        patronymic: 'СЕРІКҰЛЫ',
      });
      ncanode.vouchedGost.add(Buffer.from(citizen.cert.serialNumber.valueBlock.valueHexView).toString('hex'));
      const browser = gostServer.browser();
      const started = await start(browser);
      await sigex.sign((data) =>
        gostChallengeCms({
          challenge: data,
          signerCert: citizen.cert,
          extraCerts: [pki.intermediate.cert],
          detached: true,
        }),
      );
      await reaches(browser, started.id, 'signed');
      const verified = await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`);
      expect(verified.status, await verified.clone().text()).toBe(200);
      // NCANode was asked, with the detached CMS's content: the challenge eGov Mobile signed.
      expect(ncanode.requests).toHaveLength(1);
      expect(ncanode.requests[0]!.revocationCheck).toEqual(['OCSP', 'CRL']);
      const documents = sigex.latest().documents!;
      expect(ncanode.requests[0]!.data).toBe(documents[0]!.document.file.data);
    } finally {
      await gostWork.stop();
      await gostServer.close();
      await ncanode.close();
    }
  });
});

describe('expiry', () => {
  afterEach(() => {
    server.clock.offsetMs = 0;
  });

  it('expires with its challenge: an expired signing cannot be completed, even signed late', async () => {
    const browser = server.browser();
    const started = await start(browser);
    const seconds = server.assembled.services.config.challengeSeconds;
    expect(Date.parse(started.expiresAt) - Date.now()).toBeLessThanOrEqual(seconds * 1000);
    server.clock.advance(seconds + 1);
    expect(await statusOf(browser, started.id)).toMatchObject({ status: 'expired' });
    await expectProblem(
      await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`),
      400,
      'challenge-expired',
    );
  });

  it('takes SIGEX’s own expiry when it is the sooner one', async () => {
    sigex.lifetimeMs = 30_000;
    try {
      const started = await start(server.browser());
      expect(Math.abs(Date.parse(started.expiresAt) - sigex.latest().expireAt)).toBeLessThan(1000);
    } finally {
      sigex.lifetimeMs = 5 * 60_000;
    }
  });
});

describe('SIGEX away or refusing', () => {
  it('answers 503 while SIGEX is unreachable, and works again once it is back', async () => {
    const signings = () => server.assembled.db.selectFrom('egov_signings').select('id').execute();
    const before = (await signings()).length;
    await sigex.stop();
    try {
      const browser = server.browser();
      await expectProblem(await browser.post('/v1/identity/egov-mobile'), 503, 'identity-check-unavailable');
      expect((await signings()).length).toBe(before);
    } finally {
      await sigex.start();
    }
    const browser = server.browser();
    const started = await signedWith(browser, pki.citizens.ecdsa);
    const verified = await browser.post(`/v1/identity/egov-mobile/${started.id}/verify`);
    expect(verified.status, await verified.clone().text()).toBe(200);
  });

  it('rides out SIGEX going away mid-signing: the challenge is handed over again once it is back', async () => {
    // This instance's background work, with its log read: the outage is told once each way.
    const lines: { level: string; message: string }[] = [];
    await work.stop();
    work = runBackground(server, { log: (level, message) => lines.push({ level, message }) });
    const browser = server.browser();
    const started = await start(browser);
    const procedure = sigex.latest();
    await expect
      .poll(() => sigex.requests.filter((r) => r.method === 'POST' && r.path.endsWith(procedure.id)).length)
      .toBe(1);
    await sigex.stop();
    await expect
      .poll(async () => {
        const row = await server.assembled.db
          .selectFrom('egov_signings')
          .select('attempts')
          .where('id', '=', started.id)
          .executeTakeFirstOrThrow();
        return row.attempts;
      })
      .toBeGreaterThan(0);
    expect(await statusOf(browser, started.id)).toMatchObject({ status: 'waiting' });
    await sigex.start();
    await sigex.sign(phoneOf(pki.citizens.rsa), procedure.id);
    await reaches(browser, started.id, 'signed');
    const sigexLines = lines.filter((line) => line.message.includes('SIGEX'));
    expect(sigexLines).toEqual([
      {
        level: 'warn',
        message: 'SIGEX cannot be reached; eGov Mobile signings under way are retried until they expire',
      },
      { level: 'info', message: 'SIGEX reached again' },
    ]);
  });

  it.each([
    [500, '{"message":"internal"}', 503, 'identity-check-unavailable'],
    [429, '{}', 503, 'identity-check-unavailable'],
    [400, '{"message":"bad"}', 502, 'identity-provider-error'],
    [200, '<html>maintenance</html>', 502, 'identity-provider-error'],
    [200, '[]', 502, 'identity-provider-error'],
    [200, '{"dataURL":"x","signURL":"y"}', 502, 'identity-provider-error'],
    [
      200,
      `{"qrCode":"iVBORw0KGgo=","dataURL":"https://elsewhere.example/api/egovQr/1","signURL":"https://elsewhere.example/api/egovQr/1"}`,
      502,
      'identity-provider-error',
    ],
  ] as const)(
    'answers SIGEX’s HTTP %i %s with %i %s, and stores nothing',
    async (status, body, expected, slug) => {
      const signings = () => server.assembled.db.selectFrom('egov_signings').select('id').execute();
      const before = (await signings()).length;
      sigex.registrationAnswer = { status, body };
      try {
        await expectProblem(await server.browser().post('/v1/identity/egov-mobile'), expected, slug);
      } finally {
        sigex.registrationAnswer = undefined;
      }
      expect((await signings()).length).toBe(before);
    },
  );

  it('answers 502 when SIGEX refuses the registration', async () => {
    sigex.refuseRegistration = 'Превышен лимит';
    try {
      const problem = await expectProblem(
        await server.browser().post('/v1/identity/egov-mobile'),
        502,
        'identity-provider-error',
      );
      expect(problem.detail).toContain('Превышен лимит');
    } finally {
      sigex.refuseRegistration = undefined;
    }
  });
});

describe('a restart mid-signing', () => {
  it('loses nothing: another instance on the same database carries the signing on', async () => {
    const browser = server.browser();
    const started = await start(browser);
    await sigex.scan();
    await reaches(browser, started.id, 'scanned');
    // This instance stops (its long-poll to SIGEX ends with it) …
    await work.stop();
    await onAnotherInstance(browser, async (_next, same) => {
      // … and the next one asks SIGEX for the signature the citizen now makes.
      await sigex.sign(phoneOf(pki.citizens.ecdsa));
      await reaches(same, started.id, 'signed');
      const verified = await same.post(`/v1/identity/egov-mobile/${started.id}/verify`);
      expect(verified.status, await verified.clone().text()).toBe(200);
    });
  });
});

describe('an instance that died mid-signing', () => {
  it('keeps its lease while SIGEX holds the challenge, and another instance takes over once it runs out', async () => {
    const browser = server.browser();
    const started = await start(browser);
    const procedure = sigex.latest();
    const lease = async () =>
      (
        await server.assembled.db
          .selectFrom('egov_signings')
          .select('locked_until')
          .where('id', '=', started.id)
          .executeTakeFirstOrThrow()
      ).locked_until;
    await expect.poll(lease).not.toBeNull();
    const first = (await lease())!;
    // The request stays open past a poll (2 s here), and the lease moves on with it.
    await expect.poll(lease, { timeout: 10_000 }).toSatisfy((until) => until !== null && until > first);
    expect(sigex.requests.filter((r) => r.method === 'POST' && r.path.endsWith(procedure.id))).toHaveLength(
      1,
    );
    await work.stop();
    await server.assembled.db
      .updateTable('egov_signings')
      .set({ locked_until: new Date(Date.now() + 17_000).toISOString() })
      .where('id', '=', started.id)
      .execute();
    await onAnotherInstance(browser, async (next, same) => {
      next.clock.advance(20);
      // The next instance hands SIGEX the challenge again; the citizen scans and signs.
      await sigex.sign(phoneOf(pki.citizens.rsa), procedure.id);
      await reaches(same, started.id, 'signed');
      expect(await same.post(`/v1/identity/egov-mobile/${started.id}/verify`)).toHaveProperty('status', 200);
    });
  });

  it('leaves its lease to run out; another instance then carries the signing on', async () => {
    const browser = server.browser();
    const started = await start(browser);
    await sigex.scan();
    await reaches(browser, started.id, 'scanned');
    await work.stop();
    // As a worker killed mid-poll leaves it: leased for a poll and its margin.
    const leasedUntil = new Date(Date.now() + 17_000).toISOString();
    await server.assembled.db
      .updateTable('egov_signings')
      .set({ locked_until: leasedUntil })
      .where('id', '=', started.id)
      .execute();
    await onAnotherInstance(browser, async (next, same) => {
      await sigex.sign(phoneOf(pki.citizens.rsa));
      // The lease holds: nobody asks SIGEX for the signature meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statusOf(same, started.id)).toMatchObject({ status: 'scanned' });
      next.clock.advance(20);
      await reaches(same, started.id, 'signed');
      const verified = await same.post(`/v1/identity/egov-mobile/${started.id}/verify`);
      expect(verified.status, await verified.clone().text()).toBe(200);
    });
  });
});

describe('access and bad input', () => {
  it('is bound to the browser that started it', async () => {
    const browser = server.browser();
    const started = await signedWith(browser, pki.citizens.rsa);
    const other = server.browser();
    await other.post('/v1/identity/x509/challenge'); // a flow cookie of its own
    for (const stranger of [server.browser(), other]) {
      await expectProblem(await stranger.get(`/v1/identity/egov-mobile/${started.id}`), 404, 'not-found');
      await expectProblem(
        await stranger.post(`/v1/identity/egov-mobile/${started.id}/verify`),
        404,
        'not-found',
      );
    }
    // Still there for its own browser.
    expect(await statusOf(browser, started.id)).toMatchObject({ status: 'signed' });
  });

  it('refuses malformed and unknown IDs, and a start from another origin', async () => {
    const browser = server.browser();
    await start(browser);
    await expectProblem(await browser.get('/v1/identity/egov-mobile/%ZZ'), 400, 'malformed-request');
    for (const id of ['x', 'a'.repeat(300), '..%2f..%2fetc', 'AAAAAAAAAAAAAAAAAAAAAA']) {
      await expectProblem(await browser.get(`/v1/identity/egov-mobile/${id}`), 404, 'not-found');
      await expectProblem(await browser.post(`/v1/identity/egov-mobile/${id}/verify`), 404, 'not-found');
    }
    await expectProblem(
      await browser.post('/v1/identity/egov-mobile', undefined, { origin: 'https://evil.example' }),
      403,
      'origin-mismatch',
    );
  });

  it('is off unless SIGEX_URL is set', async () => {
    const plain = await startTestServer({
      IDENTITY_SOURCES: 'dev,x509',
      X509_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      X509_CRL_FILES: join(dir, 'crls.pem'),
    });
    try {
      const browser = plain.browser();
      const id = 'AAAAAAAAAAAAAAAAAAAAAA';
      await expectProblem(await browser.post('/v1/identity/egov-mobile'), 404, 'identity-source-unavailable');
      await expectProblem(
        await browser.get(`/v1/identity/egov-mobile/${id}`),
        404,
        'identity-source-unavailable',
      );
      await expectProblem(
        await browser.post(`/v1/identity/egov-mobile/${id}/verify`),
        404,
        'identity-source-unavailable',
      );
      expect(await (await browser.get('/')).text()).not.toContain('egov-mobile-sign');
    } finally {
      await plain.close();
    }
  });
});

describe('settings', () => {
  const problemsOf = (variables: Record<string, string>) => {
    try {
      loadConfig(variables);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };
  const x509 = { IDENTITY_SOURCES: 'x509', X509_TRUST_ANCHORS_FILE: '/roots.pem' };

  it('reads SIGEX_URL and its timings, with defaults', () => {
    expect(loadConfig({ ...x509, SIGEX_URL: 'https://sigex.kz/' }).x509?.egovMobile).toEqual({
      sigexUrl: 'https://sigex.kz',
      timeoutSeconds: 10,
      pollSeconds: 60,
      concurrency: 200,
    });
    expect(loadConfig(x509).x509?.egovMobile).toBeUndefined();
  });

  it('refuses SIGEX_URL without the x509 source, a relative URL, and plain http in production', () => {
    expect(problemsOf({ IDENTITY_SOURCES: 'dev', SIGEX_URL: 'https://sigex.kz' })).toEqual([
      'SIGEX_URL needs IDENTITY_SOURCES to include x509 (eGov Mobile signs the x509 challenge)',
    ]);
    expect(problemsOf({ ...x509, SIGEX_URL: 'sigex.kz' })).toEqual([
      'SIGEX_URL must be an absolute http(s) URL (got "sigex.kz")',
    ]);
    expect(problemsOf({ ...x509, SIGEX_URL: 'http://sigex.kz', NODE_ENV: 'production' })).toContain(
      'SIGEX_URL must use https when NODE_ENV=production',
    );
    expect(problemsOf({ ...x509, SIGEX_URL: 'https://sigex.kz', SIGEX_POLL_SECONDS: '0' })).toEqual([
      'SIGEX_POLL_SECONDS must be an integer from 1 to 600 (got "0")',
    ]);
  });
});

beforeEach(() => {
  sigex.requests.length = 0;
});
