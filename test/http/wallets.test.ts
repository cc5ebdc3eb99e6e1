// Wallet linking with EOA signatures over real HTTP: the happy path, every refusal the
// issue lists (tampering, replay, expiry, wrong signer, foreign session), step-up, binding
// rules and the database constraint behind them.
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/crypto/tokens.js';
import { cookiePolicy } from '../../src/http/cookies.js';
import { TEST_PERSONS } from '../../src/http/devIdp/index.js';
import { changeBinding } from '../../src/services/bindingStatus.js';
import { isUniqueViolation } from '../../src/store/constraints.js';
import { listAudit } from '../../src/store/repositories/auditLog.js';
import { insertBinding, listConflictReports } from '../../src/store/repositories/bindings.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { enrolledCitizen, expectProblem, json, signInWithPasskey } from './citizenFlow.js';
import { askChallenge, type BindingJson, linkEoa, signedInCitizens, submitSignature } from './walletFlow.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ CHAINS: 'eip155:1,eip155:10' });
});
afterAll(() => server.close());

async function citizen(personIndex: number) {
  const browser = server.browser();
  const enrolled = await enrolledCitizen(browser, TEST_PERSONS[personIndex]!.nationalId, server.baseUrl);
  return { browser, ...enrolled };
}

/** The stored ID of the browser's session (the digest of its cookie). */
async function sessionIdOf(browser: TestBrowser) {
  const services = server.assembled.services;
  return hashToken(browser.cookies.get(cookiePolicy(services.config).session)!, services.digests);
}

async function me(browser: TestBrowser) {
  return json<{ bindings: BindingJson[] }>(await browser.get('/v1/me'));
}

describe('linking an EOA with an EIP-4361 signature', () => {
  it('issues a well-formed challenge and binds the account', async () => {
    const { browser } = await citizen(0);
    const signer = privateKeyToAccount(generatePrivateKey());
    const lower = `eip155:1:${signer.address.toLowerCase()}`;
    const challenge = await askChallenge(browser, lower);
    // The account comes back checksummed; the message follows EIP-4361 line by line.
    expect(challenge.account).toBe(`eip155:1:${signer.address}`);
    const host = new URL(server.baseUrl).host;
    const lines = challenge.message.split('\n');
    expect(lines[0]).toBe(`${host} wants you to sign in with your Ethereum account:`);
    expect(lines[1]).toBe(signer.address);
    expect(lines[3]).toMatch(/^Link this account to my verified identity at wallet-attest/);
    expect(challenge.message).toContain(`\nURI: ${server.baseUrl}\n`);
    expect(challenge.message).toContain('\nChain ID: 1\n');
    expect(challenge.message).toContain(`\nNonce: ${challenge.nonce}\n`);
    expect(challenge.nonce).toMatch(/^[0-9a-f]{32}$/); // 128 bits
    const lifetime = Date.parse(challenge.expiresAt) - Date.parse(challenge.issuedAt);
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(10 * 60 * 1000);

    const signature = await signer.signMessage({ message: challenge.message });
    const response = await submitSignature(browser, challenge.message, signature);
    expect(response.status).toBe(201);
    const { binding, attestation } = await json<{
      binding: BindingJson;
      attestation: { id: string; bindingId: string };
    }>(response);
    expect(attestation.bindingId).toBe(binding.id);
    expect(binding).toMatchObject({
      account: `eip155:1:${signer.address}`,
      chainId: 'eip155:1',
      method: 'eip191',
      status: 'active',
    });
    expect((await me(browser)).bindings).toEqual([{ ...binding, attestation }]);

    const audit = await listAudit(server.assembled.db, { subjectId: binding.id });
    expect(audit.map((entry) => entry.action)).toEqual(['binding.created']);
    const issued = await listAudit(server.assembled.db, { subjectId: attestation.id });
    expect(issued.map((entry) => entry.action)).toEqual(['attestation.issued']);
  });

  it('answers 200 with the existing binding when the same identity proves the same account again', async () => {
    const { browser } = await citizen(1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const first = await linkEoa(browser, signer);
    const challenge = await askChallenge(browser, first.account);
    const again = await submitSignature(
      browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    expect(again.status).toBe(200);
    expect((await json<{ binding: BindingJson }>(again)).binding.id).toBe(first.id);
  });

  it('refuses a replayed message, an expired challenge, a wrong signer and a signature for another nonce', async () => {
    const { browser } = await citizen(2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:10:${signer.address}`;

    const used = await askChallenge(browser, account);
    const usedSignature = await signer.signMessage({ message: used.message });
    expect((await submitSignature(browser, used.message, usedSignature)).status).toBe(201);
    await expectProblem(
      await submitSignature(browser, used.message, usedSignature),
      400,
      'challenge-invalid',
    );

    const stranger = privateKeyToAccount(generatePrivateKey());
    const forWrongSigner = await askChallenge(browser, `eip155:1:${signer.address}`);
    const wrong = await expectProblem(
      await submitSignature(
        browser,
        forWrongSigner.message,
        await stranger.signMessage({ message: forWrongSigner.message }),
      ),
      422,
      'signature-invalid',
    );
    expect(wrong.detail).toContain(signer.address);

    const a = await askChallenge(browser, `eip155:1:${signer.address}`);
    const b = await askChallenge(browser, `eip155:1:${signer.address}`);
    await expectProblem(
      await submitSignature(browser, b.message, await signer.signMessage({ message: a.message })),
      422,
      'signature-invalid',
    );

    const late = await askChallenge(browser, `eip155:1:${signer.address}`);
    const lateSignature = await signer.signMessage({ message: late.message });
    server.clock.advance(10 * 60 + 1);
    try {
      // The step-up is checked first; give this session a passkey assertion of "now".
      await server.assembled.db
        .updateTable('sessions')
        .set({ passkey_verified_at: server.clock.now().toISOString() })
        .where('id', '=', await sessionIdOf(browser))
        .execute();
      await expectProblem(
        await submitSignature(browser, late.message, lateSignature),
        400,
        'challenge-expired',
      );
    } finally {
      server.clock.advance(-(10 * 60 + 1));
    }
  });

  it('keeps a challenge to the session that asked for it', async () => {
    const owner = await citizen(3);
    const [other] = await signedInCitizens(server, 1);
    const signer = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(owner.browser, `eip155:1:${signer.address}`);
    const signature = await signer.signMessage({ message: challenge.message });
    await expectProblem(
      await submitSignature(other!.browser, challenge.message, signature),
      400,
      'challenge-invalid',
    );
    // The foreign attempt did not use the challenge up.
    expect((await submitSignature(owner.browser, challenge.message, signature)).status).toBe(201);
  });
});

// Each tampering is signed by the account's own key, as a phished or confused wallet would:
// the signature is valid for the text, but the text is not what the service issued.
const OTHER_ADDRESS = '0x000000000000000000000000000000000000dEaD';
const TAMPERINGS: [string, (message: string) => string, string][] = [
  ['domain', (m) => m.replace(/^[^ ]+ wants/, 'evil.example wants'), 'message-mismatch'],
  ['scheme added to the domain line', (m) => `https://${m}`, 'message-mismatch'],
  ['URI', (m) => m.replace(/^URI: .*$/m, 'URI: https://evil.example'), 'message-mismatch'],
  ['chain ID', (m) => m.replace(/^Chain ID: 1$/m, 'Chain ID: 10'), 'message-mismatch'],
  ['version', (m) => m.replace(/^Version: 1$/m, 'Version: 2'), 'message-mismatch'],
  ['nonce', (m) => m.replace(/^Nonce: .*$/m, 'Nonce: 0123456789abcdef0123456789abcdef'), 'challenge-invalid'],
  [
    'issued-at',
    (m) => m.replace(/^Issued At: (.*)$/m, 'Issued At: 2020-01-01T00:00:00.000Z'),
    'message-mismatch',
  ],
  [
    'expiration extended',
    (m) => m.replace(/^Expiration Time: (.*)$/m, 'Expiration Time: 2099-01-01T00:00:00.000Z'),
    'message-mismatch',
  ],
  ['expiration removed', (m) => m.replace(/\nExpiration Time: .*$/m, ''), 'message-mismatch'],
  ['not-before added', (m) => `${m}\nNot Before: 2020-01-01T00:00:00.000Z`, 'message-mismatch'],
  ['request ID added', (m) => `${m}\nRequest ID: 42`, 'message-mismatch'],
  ['resources added', (m) => `${m}\nResources:\n- https://evil.example/grant`, 'message-mismatch'],
  [
    'address lower-cased',
    (m) => m.replace(/^(0x[0-9a-fA-F]{40})$/m, (a) => a.toLowerCase()),
    'message-mismatch',
  ],
  [
    'address upper-cased',
    (m) => m.replace(/^0x([0-9a-fA-F]{40})$/m, (_, hex: string) => `0x${hex.toUpperCase()}`),
    'message-mismatch',
  ],
  ['address replaced', (m) => m.replace(/^0x[0-9a-fA-F]{40}$/m, OTHER_ADDRESS), 'message-mismatch'],
  [
    'statement changed',
    (m) => m.replace('authorises no transaction', 'authorises any transaction'),
    'message-mismatch',
  ],
  ['statement removed', (m) => m.replace(/\n\nLink this account[^\n]*\n/, '\n\n'), 'message-mismatch'],
  ['line order', (m) => m.replace(/^(URI: .*)\n(Version: .*)$/m, '$2\n$1'), 'message-mismatch'],
  ['trailing space', (m) => m.replace(/^(Chain ID: .*)$/m, '$1 '), 'message-mismatch'],
  ['trailing newline', (m) => `${m}\n`, 'message-mismatch'],
  ['leading space', (m) => ` ${m}`, 'message-mismatch'],
  ['CRLF line endings', (m) => m.replace(/\n/g, '\r\n'), 'message-mismatch'],
  ['double space in statement', (m) => m.replace('this account', 'this  account'), 'message-mismatch'],
];

describe('tampered messages', () => {
  let browser: TestBrowser;
  // A fixed key whose checksummed address has upper- and lower-case letters, so the case
  // tamperings always change the text (a random address may have letters of one case only).
  const signer = privateKeyToAccount(`0x${'4c'.repeat(32)}`);
  beforeAll(async () => {
    browser = (await signedInCitizens(server, 1))[0]!.browser;
  });

  it.each(TAMPERINGS)('refuses a message with its %s tampered', async (_name, tamper, slug) => {
    const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
    const tampered = tamper(challenge.message);
    expect(tampered).not.toBe(challenge.message);
    const signature = await signer.signMessage({ message: tampered });
    const problem = await expectProblem(await submitSignature(browser, tampered, signature), 400, slug);
    expect(problem.detail).toBeTruthy();
  });

  it('names the tampered field', async () => {
    const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
    const tampered = challenge.message.replace(/^URI: .*$/m, 'URI: https://evil.example');
    const problem = await expectProblem(
      await submitSignature(browser, tampered, await signer.signMessage({ message: tampered })),
      400,
      'message-mismatch',
    );
    expect(problem).toMatchObject({ fields: ['uri'] });
  });

  it('leaves nothing bound after all of them', async () => {
    const bound = await server.assembled.db
      .selectFrom('bindings')
      .select('id')
      .where('account', '=', `eip155:1:${signer.address}`)
      .execute();
    expect(bound).toEqual([]);
  });
});

describe('step-up', () => {
  it('asks for a passkey assertion when the last one is older than five minutes', async () => {
    const { browser, authenticator } = await citizen(4);
    const signer = privateKeyToAccount(generatePrivateKey());
    server.clock.advance(5 * 60 + 1);
    try {
      const problem = await expectProblem(
        await browser.post('/v1/wallets/challenge', { account: `eip155:1:${signer.address}` }),
        403,
        'step-up-required',
      );
      expect(problem).toMatchObject({ stepUp: '/v1/webauthn/authentication/options' });
      expect((await signInWithPasskey(browser, authenticator)).status).toBe(200);
      await linkEoa(browser, signer);
    } finally {
      server.clock.advance(-(5 * 60 + 1));
    }
  });
});

describe('accounts and request bodies', () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = (await signedInCitizens(server, 1))[0]!.browser;
  });

  it.each([
    ['eip155:1:0x12', 422, 'invalid-account'],
    ['eip155:01:0x000000000000000000000000000000000000dEaD', 422, 'invalid-account'],
    ['eip155:1:0x000000000000000000000000000000000000DEAd', 422, 'invalid-account'], // bad checksum
    ['eip155:1:0xZZ0000000000000000000000000000000000dEaD', 422, 'invalid-account'],
    ['0x000000000000000000000000000000000000dEaD', 422, 'invalid-account'],
    ['eip155:0x1:0x000000000000000000000000000000000000dEaD', 422, 'invalid-account'],
    ['eip155:999:0x000000000000000000000000000000000000dEaD', 422, 'unsupported-chain'],
    ['bip122:000000000019d6689c085ae165831e93:128Lkh3S7CkDTBZ8W7BbpsN3YYizJMp8p6', 422, 'unsupported-chain'],
    ['tron:mainnet:TJRabPrwbZy45sbavfcjinPJC18kjpRTv8', 422, 'invalid-account'],
    ['tron:0x2b6653dc:TJRabPrwbZy45sbavfcjinPJC18kjpRTv8', 422, 'unsupported-chain'],
    ['cosmos:cosmoshub-4:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0', 422, 'unsupported-namespace'],
  ])('refuses the account %s', async (account, status, slug) => {
    await expectProblem(await browser.post('/v1/wallets/challenge', { account }), status, slug);
  });

  it.each([
    ['/v1/wallets/challenge', {}],
    ['/v1/wallets/challenge', { account: 'eip155:1:0x000000000000000000000000000000000000dEaD', extra: 1 }],
    ['/v1/wallets/challenge', { account: 42 }],
    ['/v1/wallets/verify', { message: 'x' }],
    ['/v1/wallets/verify', { message: 'x', signature: 'not-hex' }],
    ['/v1/wallets/verify', { message: '', signature: '0x00' }],
    ['/v1/wallets/onchain-proof', { account: 'eip155:1:0x000000000000000000000000000000000000dEaD' }],
    [
      '/v1/wallets/onchain-proof',
      { account: 'eip155:1:0x000000000000000000000000000000000000dEaD', txHash: '0x1234' },
    ],
  ])('refuses a body that breaks the schema: %s %j', async (path, body) => {
    await expectProblem(await browser.post(path, body), 422, 'validation-failed');
  });

  it.each(['/v1/wallets/challenge', '/v1/wallets/verify', '/v1/wallets/onchain-proof'])(
    'refuses non-JSON and wrongly typed bodies on %s',
    async (path) => {
      await expectProblem(
        await browser.request('POST', path, {
          body: '{"account":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed-request',
      );
      await expectProblem(
        await browser.request('POST', path, { body: 'account=x', headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported-media-type',
      );
    },
  );

  it('refuses a message without a nonce, and an on-chain proof on a chain without a registry', async () => {
    await expectProblem(
      await submitSignature(browser, 'hello', `0x${'11'.repeat(65)}`),
      400,
      'message-mismatch',
    );
    await expectProblem(
      await browser.post('/v1/wallets/onchain-proof', {
        account: 'eip155:1:0x000000000000000000000000000000000000dEaD',
        txHash: `0x${'ab'.repeat(32)}`,
      }),
      422,
      'proof-method-unavailable',
    );
  });

  it('refuses an ERC-6492 signature on a chain without an RPC endpoint', async () => {
    const signer = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(browser, `eip155:1:${signer.address}`);
    const magic = '6492649264926492649264926492649264926492649264926492649264926492';
    await expectProblem(
      await submitSignature(browser, challenge.message, `0x${'00'.repeat(96)}${magic}`),
      422,
      'proof-method-unavailable',
    );
  });
});

describe('binding rules', () => {
  it('gives a second identity 409 and files a conflict report', async () => {
    const [first, second] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const binding = await linkEoa(first!.browser, signer);
    const challenge = await askChallenge(second!.browser, binding.account);
    const response = await submitSignature(
      second!.browser,
      challenge.message,
      await signer.signMessage({ message: challenge.message }),
    );
    await expectProblem(response, 409, 'account-already-bound');
    const reports = await listConflictReports(server.assembled.db, { account: binding.account });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      existing_binding_id: binding.id,
      claimant_identity_id: second!.identityId,
      status: 'open',
      method: 'eip191',
    });
    const audit = await listAudit(server.assembled.db, { subjectId: reports[0]!.id });
    expect(audit.map((entry) => entry.action)).toEqual(['binding.conflict']);
  });

  it('unlinks (holder_request), refuses a second unlink and another identity’s binding, and frees the account', async () => {
    const [holder, other] = await signedInCitizens(server, 2);
    const signer = privateKeyToAccount(generatePrivateKey());
    const binding = await linkEoa(holder!.browser, signer);

    await expectProblem(
      await other!.browser.request('DELETE', `/v1/wallets/${binding.id}`),
      404,
      'not-found',
    );
    const unlinked = await holder!.browser.request('DELETE', `/v1/wallets/${binding.id}`);
    expect(unlinked.status).toBe(200);
    expect((await json<{ binding: BindingJson }>(unlinked)).binding).toMatchObject({
      status: 'revoked',
      revocationReason: 'holder_request',
    });
    await expectProblem(
      await holder!.browser.request('DELETE', `/v1/wallets/${binding.id}`),
      409,
      'binding-not-active',
    );
    expect((await me(holder!.browser)).bindings).toEqual([
      expect.objectContaining({ id: binding.id, status: 'revoked' }),
    ]);
    const audit = await listAudit(server.assembled.db, { subjectId: binding.id });
    expect(audit.map((entry) => entry.action)).toEqual(['binding.created', 'binding.revoked']);

    // Once revoked, the account can be linked again, here by another identity.
    const relinked = await linkEoa(other!.browser, signer);
    expect(relinked.id).not.toBe(binding.id);
  });

  it('does not let the holder unlink a binding a regulator suspended', async () => {
    const [holder] = await signedInCitizens(server, 1);
    const binding = await linkEoa(holder!.browser, privateKeyToAccount(generatePrivateKey()));
    await changeBinding(server.assembled.services, binding.id, {
      transition: 'suspend',
      reason: 'fraud',
      actor: { type: 'regulator', id: null },
    });
    const problem = await expectProblem(
      await holder!.browser.request('DELETE', `/v1/wallets/${binding.id}`),
      409,
      'binding-not-active',
    );
    expect(problem).toMatchObject({ status: 409 });
    expect(problem.detail).toMatch(/suspended by a regulator/);
  });

  it('enforces one live binding per account in the database itself', async () => {
    const [a, b] = await signedInCitizens(server, 2);
    const row = (identityId: string) => ({
      id: crypto.randomUUID(),
      identity_id: identityId,
      account: 'eip155:1:0x00000000000000000000000000000000000000A1',
      chain_id: 'eip155:1',
      method: 'eip191',
      status: 'active',
      created_at: new Date().toISOString(),
      status_changed_at: new Date().toISOString(),
      revocation_reason: null,
    });
    await insertBinding(server.assembled.db, row(a!.identityId));
    const error = await insertBinding(server.assembled.db, {
      ...row(b!.identityId),
      status: 'suspended',
    }).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    // Revoked bindings do not count.
    await insertBinding(server.assembled.db, { ...row(b!.identityId), status: 'revoked' });
  });

  it('lets exactly one of 50 identities racing for one account bind it; the other 49 get 409', async () => {
    const racers = await signedInCitizens(server, 50);
    const signer = privateKeyToAccount(generatePrivateKey());
    const account = `eip155:1:${signer.address}`;
    const signed = await Promise.all(
      racers.map(async ({ browser }) => {
        const challenge = await askChallenge(browser, account);
        return {
          browser,
          message: challenge.message,
          signature: await signer.signMessage({ message: challenge.message }),
        };
      }),
    );
    const responses = await Promise.all(
      signed.map(({ browser, message, signature }) => submitSignature(browser, message, signature)),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);

    const live = await server.assembled.db
      .selectFrom('bindings')
      .selectAll()
      .where('account', '=', account)
      .where('status', '<>', 'revoked')
      .execute();
    expect(live).toHaveLength(1);
    expect(await listConflictReports(server.assembled.db, { account })).toHaveLength(49);
    const audit = (await listAudit(server.assembled.db)).filter((entry) => entry.details.account === account);
    expect(audit.filter((entry) => entry.action === 'binding.created')).toHaveLength(1);
    expect(audit.filter((entry) => entry.action === 'binding.conflict')).toHaveLength(49);
  });
});

describe('per-identity limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ MAX_BINDINGS_PER_IDENTITY: '2' });
  });
  afterAll(() => limited.close());

  it('refuses a third live binding and allows one again after an unlink', async () => {
    const browser = (await signedInCitizens(limited, 1))[0]!.browser;
    const first = await linkEoa(browser, privateKeyToAccount(generatePrivateKey()));
    await linkEoa(browser, privateKeyToAccount(generatePrivateKey()));
    const third = privateKeyToAccount(generatePrivateKey());
    const challenge = await askChallenge(browser, `eip155:1:${third.address}`);
    await expectProblem(
      await submitSignature(
        browser,
        challenge.message,
        await third.signMessage({ message: challenge.message }),
      ),
      409,
      'binding-limit-reached',
    );
    expect((await browser.request('DELETE', `/v1/wallets/${first.id}`)).status).toBe(200);
    await linkEoa(browser, third);
  });
});
