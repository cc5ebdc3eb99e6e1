// Attestations over real HTTP: both formats checked by independent clients (jose, viem,
// eas-sdk), status lists, renewal, key rotation, and the offline verifier library end to
// end against the running service.
import { Offchain, OffchainAttestationVersion } from '@ethereum-attestation-service/eas-sdk';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { recoverTypedDataAddress, verifyTypedData } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { easTypedData } from '../../src/domain/attestations/easAttestation.js';
import { rotateSigningKey } from '../../src/runtime/fileKeyStore.js';
import { type AttestationSummary, attestationState } from '../../src/services/attestations.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { verifyWalletAttestation } from '../../src/verifier/index.js';
import { againstWorkerd, startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from '../http/citizenFlow.js';
import { askChallenge, browserFor, signedInCitizens, submitSignature } from '../http/walletFlow.js';

type AttestationJson = AttestationSummary;

const YEAR = 365 * 24 * 3600;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ CHAINS: 'eip155:1,eip155:8453', STATUS_LIST_SIZE: '16' });
});
afterAll(() => server.close());

/** The service's fetch, as an exchange's verifier would use it (through the test clock). */
const viaServer: typeof fetch = (input, init) => fetch(input, init);

async function jwks(): Promise<JSONWebKeySet> {
  return json<JSONWebKeySet>(await server.browser().get('/.well-known/jwks.json'));
}

async function linked(browser?: TestBrowser, chain = 'eip155:1') {
  const citizen = browser ?? (await signedInCitizens(server, 1))[0]!.browser;
  const identityId = (await json<{ identity: { id: string } }>(await citizen.get('/v1/me'))).identity.id;
  const signer = privateKeyToAccount(generatePrivateKey());
  const challenge = await askChallenge(citizen, `${chain}:${signer.address}`);
  const response = await submitSignature(
    citizen,
    challenge.message,
    await signer.signMessage({ message: challenge.message }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  const body = await json<{ binding: { id: string; account: string }; attestation: AttestationJson }>(
    response,
  );
  return { browser: citizen, identityId, signer, ...body };
}

function verify(token: string) {
  return verifyWalletAttestation(token, {
    issuer: server.baseUrl,
    jwks: () => jwks(),
    fetch: viaServer,
    now: server.clock.now(),
  });
}

describe('the JWT attestation', () => {
  it('verifies with plain jose against the published JWKS and carries no personal data', async () => {
    const { attestation, binding } = await linked();
    const { payload, protectedHeader } = await jwtVerify(attestation.jwt, createLocalJWKSet(await jwks()), {
      issuer: server.baseUrl,
      typ: 'wallet-attestation+jwt',
      algorithms: ['ES256'],
      currentDate: server.clock.now(),
    });
    expect(protectedHeader).toMatchObject({
      alg: 'ES256',
      typ: 'wallet-attestation+jwt',
      kid: attestation.kid,
    });
    expect(payload).toMatchObject({
      iss: server.baseUrl,
      sub: binding.account,
      jti: attestation.id,
      country: 'KZ',
      level: 'low',
      method: 'eip191',
      status: { status_list: { idx: attestation.statusList.idx, uri: attestation.statusList.uri } },
    });
    expect(payload.exp! - payload.iat!).toBe(YEAR);
    expect(payload.nbf).toBe(payload.iat);
    expect(Object.keys(payload).sort()).toEqual(
      ['country', 'exp', 'iat', 'iss', 'jti', 'level', 'method', 'nbf', 'status', 'sub'].sort(),
    );
    expect(await verify(attestation.jwt)).toMatchObject({ status: 'valid' });
  });

  it('is listed in /v1/me and downloadable in each form', async () => {
    const { browser, attestation, binding } = await linked();
    const me = await json<{ bindings: { id: string; attestation: AttestationJson }[] }>(
      await browser.get('/v1/me'),
    );
    expect(me.bindings.find((b) => b.id === binding.id)?.attestation).toEqual(attestation);

    const jwtDownload = await browser.get(`/v1/wallets/${binding.id}/attestation?format=jwt`);
    expect(jwtDownload.headers.get('content-type')).toBe('application/wallet-attestation+jwt');
    expect(jwtDownload.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.jwt"$/);
    expect(await jwtDownload.text()).toBe(attestation.jwt);
    expect(await json(await browser.get(`/v1/wallets/${binding.id}/attestation?format=eip712`))).toEqual(
      attestation.eip712,
    );
    expect(await json(await browser.get(`/v1/wallets/${binding.id}/attestation`))).toEqual({ attestation });
    await expectProblem(
      await browser.get(`/v1/wallets/${binding.id}/attestation?format=pdf`),
      422,
      'validation-failed',
    );

    const [stranger] = await signedInCitizens(server, 1);
    await expectProblem(
      await stranger!.browser.get(`/v1/wallets/${binding.id}/attestation`),
      404,
      'not-found',
    );
    await expectProblem(
      await server.browser().get(`/v1/wallets/${binding.id}/attestation`),
      401,
      'authentication-required',
    );
  });
});

describe('the EIP-712 attestation', () => {
  it('recovers to the published attester with viem and passes eas-sdk verification', async () => {
    const { attestation, signer } = await linked(undefined, 'eip155:8453');
    const metadata = await json<{ attester_address: `0x${string}` }>(
      await server.browser().get('/.well-known/wallet-attestation'),
    );
    const { sig, signer: claimedSigner } = attestation.eip712!;
    expect(claimedSigner).toBe(metadata.attester_address);
    expect(sig.message.recipient).toBe(signer.address);
    expect(sig.domain).toMatchObject({ name: 'EAS Attestation', chainId: 8453 });
    const typed = easTypedData(sig.domain, sig.message);
    const { r, s, v } = sig.signature;
    const signature = `${r}${s.slice(2)}${v.toString(16)}` as `0x${string}`;
    expect(await recoverTypedDataAddress({ ...typed, signature })).toBe(metadata.attester_address);
    expect(await verifyTypedData({ ...typed, address: metadata.attester_address, signature })).toBe(true);

    const offchain = new Offchain(
      {
        address: sig.domain.verifyingContract,
        version: sig.domain.version,
        chainId: BigInt(sig.domain.chainId),
      },
      OffchainAttestationVersion.Version2,
      undefined as never,
    );
    const asEas = {
      ...sig,
      domain: { ...sig.domain, chainId: BigInt(sig.domain.chainId) },
      message: {
        ...sig.message,
        time: BigInt(sig.message.time),
        expirationTime: BigInt(sig.message.expirationTime),
      },
    };
    expect(offchain.verifyOffchainAttestationSignature(metadata.attester_address, asEas as never)).toBe(true);
    // A changed field breaks it.
    const forged = {
      ...asEas,
      message: { ...asEas.message, recipient: privateKeyToAccount(generatePrivateKey()).address },
    };
    expect(offchain.verifyOffchainAttestationSignature(metadata.attester_address, forged as never)).toBe(
      false,
    );
  });
});

describe('status lists and the offline verifier', () => {
  it('serves a signed, cacheable status list token', async () => {
    const { attestation } = await linked();
    const response = await fetch(attestation.statusList.uri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const token = await response.text();
    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwks()), {
      typ: 'statuslist+jwt',
      currentDate: server.clock.now(),
    });
    expect(payload).toMatchObject({ sub: attestation.statusList.uri, ttl: 300, status_list: { bits: 2 } });
    expect((await fetch(attestation.statusList.uri, { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );
    await expectProblem(await fetch(`${server.baseUrl}/v1/status-lists/nope`), 404, 'not-found');
  });

  it('reports suspended, reinstated, then revoked after each republication', async () => {
    const { attestation, binding } = await linked();
    const before = await fetch(attestation.statusList.uri);
    const etag = before.headers.get('etag')!;

    await changeBinding(server.assembled.services, binding.id, {
      transition: 'suspend',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    const after = await fetch(attestation.statusList.uri, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200); // changed, so no 304
    expect(await verify(attestation.jwt)).toMatchObject({ status: 'suspended' });

    await changeBinding(server.assembled.services, binding.id, {
      transition: 'reinstate',
      reason: 'other',
      actor: { type: 'regulator', id: null },
    });
    expect(await verify(attestation.jwt)).toMatchObject({ status: 'valid' });

    await changeBinding(server.assembled.services, binding.id, {
      transition: 'revoke',
      reason: 'court_order',
      actor: { type: 'regulator', id: null },
    });
    expect(await verify(attestation.jwt)).toMatchObject({ status: 'revoked' });
    await expect(
      changeBinding(server.assembled.services, binding.id, {
        transition: 'reinstate',
        reason: 'other',
        actor: { type: 'regulator', id: null },
      }),
    ).rejects.toMatchObject({ slug: 'binding-not-active' });
  });

  it('marks a holder-unlinked attestation revoked, and leaves other entries of the list alone', async () => {
    const citizen = (await signedInCitizens(server, 1))[0]!.browser;
    const kept = await linked(citizen);
    const dropped = await linked(citizen);
    expect(dropped.attestation.statusList.uri).toBe(kept.attestation.statusList.uri);
    expect((await citizen.request('DELETE', `/v1/wallets/${dropped.binding.id}`)).status).toBe(200);
    expect(await verify(dropped.attestation.jwt)).toMatchObject({ status: 'revoked' });
    expect(await verify(kept.attestation.jwt)).toMatchObject({ status: 'valid' });
  });

  it('reports expiry once the token has expired', async () => {
    const { attestation, binding } = await linked();
    server.clock.advance(YEAR + 60);
    try {
      expect(await verify(attestation.jwt)).toMatchObject({ status: 'expired' });
      const { services } = server.assembled;
      const [row] = await services.db
        .selectFrom('attestations')
        .selectAll()
        .where('binding_id', '=', binding.id)
        .execute();
      expect(attestationState(row!, services.clock.now())).toBe('expired');
    } finally {
      server.clock.advance(-(YEAR + 60));
    }
  });

  it('opens a new list when one is full and never reuses an index', async () => {
    const seen = new Set<string>();
    const lists = new Set<string>();
    const citizen = (await signedInCitizens(server, 1))[0]!.browser;
    for (let i = 0; i < 18; i++) {
      const { attestation } = await linked(citizen);
      const key = `${attestation.statusList.uri}#${attestation.statusList.idx}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      lists.add(attestation.statusList.uri);
      expect(attestation.statusList.idx).toBeLessThan(16);
      if (i % 5 === 4) {
        // Unlinking frees a binding slot but not the status entry.
        await citizen.request('DELETE', `/v1/wallets/${attestation.bindingId}`);
      }
    }
    expect(lists.size).toBeGreaterThanOrEqual(2);
  });
});

describe('renewal', () => {
  it('refuses before the window, then issues a new token with a new index', async () => {
    const { browser: early, identityId, attestation, binding } = await linked();
    await expectProblem(await early.post(`/v1/wallets/${binding.id}/renew`), 409, 'renewal-not-due');
    server.clock.advance(YEAR - 10 * 24 * 3600);
    try {
      const browser = await browserFor(server, identityId);
      const response = await browser.post(`/v1/wallets/${binding.id}/renew`);
      expect(response.status).toBe(201);
      const renewed = (await json<{ attestation: AttestationJson }>(response)).attestation;
      expect(renewed.id).not.toBe(attestation.id);
      expect(`${renewed.statusList.uri}#${renewed.statusList.idx}`).not.toBe(
        `${attestation.statusList.uri}#${attestation.statusList.idx}`,
      );
      expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.parse(attestation.expiresAt));
      expect(await verify(renewed.jwt)).toMatchObject({ status: 'valid' });
      const me = await json<{ bindings: { id: string; attestation: AttestationJson }[] }>(
        await browser.get('/v1/me'),
      );
      expect(me.bindings.find((b) => b.id === binding.id)?.attestation.id).toBe(renewed.id);
    } finally {
      server.clock.advance(-(YEAR - 10 * 24 * 3600));
    }
    const [stranger] = await signedInCitizens(server, 1);
    await expectProblem(await stranger!.browser.post(`/v1/wallets/${binding.id}/renew`), 404, 'not-found');
  });
});

describe('key rotation', () => {
  // Rotates the key file under DATA_DIR; the Worker's keys come from its secrets.
  it.skipIf(againstWorkerd)('keeps the retired key published until its last token expires', async () => {
    const { attestation } = await linked();
    const before = await jwks();
    expect(before.keys.map((key) => key.kid)).toContain(attestation.kid);

    const { kid, retiredKid } = await rotateSigningKey(server.assembled.services.config, server.clock.now());
    expect(retiredKid).toBe(attestation.kid);
    const { attestation: fresh } = await linked();
    expect(fresh.kid).toBe(kid);
    expect(decodeProtectedHeader(fresh.jwt).kid).toBe(kid);
    const after = (await jwks()).keys.map((key) => key.kid);
    expect(after).toEqual(expect.arrayContaining([kid, attestation.kid]));
    expect(await verify(attestation.jwt)).toMatchObject({ status: 'valid' });
    expect(await verify(fresh.jwt)).toMatchObject({ status: 'valid' });

    // Every token the old key signed in this suite expires within a year (plus renewals).
    server.clock.advance(2 * YEAR);
    try {
      const later = (await jwks()).keys.map((key) => key.kid);
      expect(later).toEqual([kid]);
    } finally {
      server.clock.advance(-2 * YEAR);
    }
  });
});

describe('batched republication', () => {
  let batched: TestServer;
  beforeAll(async () => {
    batched = await startTestServer({ STATUS_LIST_PUBLISH_DELAY_SECONDS: '60' });
  });
  afterAll(() => batched.close());

  it('holds changes until the delay has passed since the last publication', async () => {
    const browser = (await signedInCitizens(batched, 1))[0]!.browser;
    const signer = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
    const linkedResponse = await submitSignature(
      browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    const { binding, attestation } = await json<{ binding: { id: string }; attestation: AttestationJson }>(
      linkedResponse,
    );
    const first = await fetch(attestation.statusList.uri);
    const firstToken = await first.text();

    await changeBinding(batched.assembled.services, binding.id, {
      transition: 'suspend',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    const held = await fetch(attestation.statusList.uri);
    expect(await held.text()).toBe(firstToken);
    const maxAge = Number(/max-age=(\d+)/.exec(held.headers.get('cache-control')!)![1]);
    expect(maxAge).toBeLessThanOrEqual(60);

    batched.clock.advance(61);
    try {
      const fresh = await fetch(attestation.statusList.uri);
      expect(await fresh.text()).not.toBe(firstToken);
      const result = await verifyWalletAttestation(attestation.jwt, {
        issuer: batched.baseUrl,
        jwks: await json<JSONWebKeySet>(await fetch(`${batched.baseUrl}/.well-known/jwks.json`)),
        fetch,
        now: batched.clock.now(),
      });
      expect(result).toMatchObject({ status: 'suspended' });
    } finally {
      batched.clock.advance(-61);
    }
  });
});
