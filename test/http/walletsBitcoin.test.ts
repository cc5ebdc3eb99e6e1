// Linking Bitcoin accounts over real HTTP: CAIP-122 challenges, proofs in every format the
// adapter takes (BIP-322 simple and full, BIP-137 for P2PKH) made with generated keys, the
// refusals (wrong key, wrong network, inconclusive, replay), and the exchange's lookup of a
// linked account with its JWT attestation.
import { base64, base64urlnopad } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BITCOIN_MAINNET, BITCOIN_SIGNET } from '../../src/domain/accounts/bip122/index.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import { decodeWitness, encodeWitness, fullFormat, generateBitcoinKey } from '../helpers/bitcoinKeys.js';
import { startTestServer, type TestBrowser, type TestServer } from '../helpers/server.js';
import { expectProblem, json } from './citizenFlow.js';
import { askChallenge, type BindingJson, signedInCitizens, submitSignature } from './walletFlow.js';

const MAINNET = `bip122:${BITCOIN_MAINNET}`;
const SIGNET = `bip122:${BITCOIN_SIGNET}`;

let server: TestServer;
let browser: TestBrowser;
beforeAll(async () => {
  server = await startTestServer({ CHAINS: `eip155:1,${MAINNET},${SIGNET}` });
  browser = (await signedInCitizens(server, 1))[0]!.browser;
});
afterAll(() => server.close());

async function link(account: string, sign: (message: string) => string) {
  const challenge = await askChallenge(browser, account);
  return { challenge, response: await submitSignature(browser, challenge.message, sign(challenge.message)) };
}

async function linked(response: Response): Promise<BindingJson> {
  expect(response.status, await response.clone().text()).toBe(201);
  return (await json<{ binding: BindingJson }>(response)).binding;
}

describe('linking a Bitcoin account', () => {
  it('issues a CAIP-122 challenge for the account, canonical and on its chain', async () => {
    const key = generateBitcoinKey();
    const challenge = await askChallenge(browser, `${MAINNET}:${key.addresses.p2wpkh.toUpperCase()}`);
    expect(challenge.account).toBe(`${MAINNET}:${key.addresses.p2wpkh}`);
    const lines = challenge.message.split('\n');
    expect(lines[0]).toBe(`${new URL(server.baseUrl).host} wants you to sign in with your Bitcoin account:`);
    expect(lines[1]).toBe(key.addresses.p2wpkh);
    expect(challenge.message).toContain(`\nChain ID: ${BITCOIN_MAINNET}\n`);
    expect(challenge.message).toContain(`\nNonce: ${challenge.nonce}\n`);
    const lifetime = Date.parse(challenge.expiresAt) - Date.parse(challenge.issuedAt);
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it.each([
    ['P2WPKH', 'p2wpkh', 'bip322-simple'],
    ['P2SH-P2WPKH', 'p2shP2wpkh', 'bip322-simple'],
    ['P2TR', 'p2tr', 'bip322-simple'],
    ['P2PKH', 'p2pkh', 'bip137'],
  ] as const)('binds a %s account with a real signature', async (_, type, method) => {
    const key = generateBitcoinKey();
    const address = key.addresses[type];
    const { response } = await link(`${MAINNET}:${address}`, (message) => key.sign(address, message));
    expect(await linked(response)).toMatchObject({
      account: `${MAINNET}:${address}`,
      chainId: MAINNET,
      method,
      status: 'active',
    });
  });

  it('binds with a BIP-322 full-format proof, and on signet', async () => {
    const key = generateBitcoinKey();
    const address = key.addresses.p2tr;
    const { response } = await link(`${MAINNET}:${address}`, (message) =>
      fullFormat(address, message, key.sign(address, message)),
    );
    expect((await linked(response)).method).toBe('bip322-full');

    const testKey = generateBitcoinKey('testnet');
    const testAddress = testKey.addresses.p2wpkh;
    expect(testAddress).toMatch(/^tb1q/);
    const signet = await link(`${SIGNET}:${testAddress}`, (message) => testKey.sign(testAddress, message));
    expect((await linked(signet.response)).chainId).toBe(SIGNET);
  });

  it('refuses an address of another network and an unknown chain before issuing anything', async () => {
    const testKey = generateBitcoinKey('testnet');
    const wrongNetwork = await browser.post('/v1/wallets/challenge', {
      account: `${MAINNET}:${testKey.addresses.p2wpkh}`,
    });
    const problem = await expectProblem(wrongNetwork, 422, 'invalid-account');
    expect(problem.detail).toContain('Bitcoin mainnet');
    await expectProblem(
      await browser.post('/v1/wallets/challenge', {
        account: `bip122:${'ab'.repeat(16)}:${testKey.addresses.p2wpkh}`,
      }),
      422,
      'invalid-account',
    );
    // A known network the configuration does not enable.
    await expectProblem(
      await browser.post('/v1/wallets/challenge', {
        account: `bip122:000000000933ea01ad0ee984209779ba:${testKey.addresses.p2wpkh}`,
      }),
      422,
      'unsupported-chain',
    );
  });

  it('refuses a signature by another key, a forged witness key and a header byte for another address type', async () => {
    const key = generateBitcoinKey();
    const stranger = generateBitcoinKey();
    const wrongKey = await link(`${MAINNET}:${key.addresses.p2wpkh}`, (message) =>
      stranger.sign(stranger.addresses.p2wpkh, message),
    );
    const problem = await expectProblem(wrongKey.response, 422, 'signature-invalid');
    expect(problem).toMatchObject({ proofResult: 'invalid' });
    expect(problem.detail).toContain(key.addresses.p2wpkh);

    const forged = await link(`${MAINNET}:${key.addresses.p2wpkh}`, (message) => {
      const [signature] = decodeWitness(key.sign(key.addresses.p2wpkh, message));
      return encodeWitness([signature!, stranger.publicKey]);
    });
    expect((await expectProblem(forged.response, 422, 'signature-invalid')).detail).toContain(
      'does not hash',
    );
    // A witness key that is not on the curve is refused too (the library throws on it).
    const notAPoint = await link(`${MAINNET}:${key.addresses.p2wpkh}`, (message) => {
      const [signature] = decodeWitness(key.sign(key.addresses.p2wpkh, message));
      return encodeWitness([signature!, Uint8Array.from([0x02, ...new Uint8Array(32).fill(0xff)])]);
    });
    expect((await expectProblem(notAPoint.response, 422, 'signature-invalid')).detail).toContain(
      'not a point',
    );

    const header = await link(`${MAINNET}:${key.addresses.p2pkh}`, (message) => {
      const legacy = base64.decode(key.sign(key.addresses.p2pkh, message));
      return base64.encode(Uint8Array.from([39 + ((legacy[0]! - 27) % 4), ...legacy.subarray(1)]));
    });
    expect((await expectProblem(header.response, 422, 'signature-invalid')).detail).toMatch(
      /header byte 4[0-2]|header byte 39/,
    );
  });

  it('refuses an inconclusive proof and binds nothing', async () => {
    const key = generateBitcoinKey();
    const account = `${MAINNET}:${key.addresses.p2tr}`;
    const { response } = await link(account, (message) => {
      const [schnorr] = decodeWitness(key.sign(key.addresses.p2tr, message));
      // A script-path shaped witness: this verifier does not evaluate tapscripts.
      return encodeWitness([
        schnorr!,
        Uint8Array.from([0x51]),
        Uint8Array.from([0xc0, ...new Uint8Array(32)]),
      ]);
    });
    const problem = await expectProblem(response, 422, 'signature-invalid');
    expect(problem).toMatchObject({ proofResult: 'inconclusive' });
    const me = await json<{ bindings: BindingJson[] }>(await browser.get('/v1/me'));
    expect(me.bindings.map((b) => b.account)).not.toContain(account);
  });

  it('refuses a replayed proof and a proof for another challenge', async () => {
    const key = generateBitcoinKey();
    const address = key.addresses.p2wpkh;
    const { challenge, response } = await link(`${MAINNET}:${address}`, (message) =>
      key.sign(address, message),
    );
    await linked(response);
    await expectProblem(
      await submitSignature(browser, challenge.message, key.sign(address, challenge.message)),
      400,
      'challenge-invalid',
    );
    const a = await askChallenge(browser, `${MAINNET}:${address}`);
    const b = await askChallenge(browser, `${MAINNET}:${address}`);
    await expectProblem(
      await submitSignature(browser, b.message, key.sign(address, a.message)),
      422,
      'signature-invalid',
    );
  });
});

describe('the metadata', () => {
  it('lists the Bitcoin chains, their proof methods and the JWT form only', async () => {
    const metadata = await json<{
      namespaces: {
        namespace: string;
        chains: string[];
        proof_methods: string[];
        attestation_forms: string[];
      }[];
      proof_methods: string[];
    }>(await server.browser().get('/.well-known/wallet-attestation'));
    expect(metadata.namespaces.find((n) => n.namespace === 'bip122')).toEqual(
      expect.objectContaining({
        chains: [MAINNET, SIGNET],
        proof_methods: ['bip322-simple', 'bip322-full', 'bip137'],
        attestation_forms: ['jwt'],
      }),
    );
    expect(metadata.proof_methods).toEqual(
      expect.arrayContaining(['bip322-simple', 'bip322-full', 'bip137']),
    );
  });
});

describe('an exchange looking a Bitcoin account up', () => {
  it('sees its status, proof method and a JWT attestation naming the CAIP-10 account', async () => {
    const key = generateBitcoinKey();
    const address = key.addresses.p2wpkh;
    const { response } = await link(`${MAINNET}:${address}`, (message) => key.sign(address, message));
    const binding = await linked(response);
    const reader = await apiClient(server, ['attestations:read']);
    // Any case of the bech32 address finds it.
    const lookup = await api(server, reader.key).get(`/v1/attestations/${MAINNET}:${address.toUpperCase()}`);
    expect(lookup.status, await lookup.clone().text()).toBe(200);
    const result = await json<{
      account: string;
      status: string;
      method: string;
      attestation?: { jwt: string };
    }>(lookup);
    expect(result).toMatchObject({ account: binding.account, status: 'active', method: 'bip322-simple' });
    const [, payload] = result.attestation!.jwt.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64urlnopad.decode(payload!))) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ sub: binding.account, method: 'bip322-simple' });

    const unbound = generateBitcoinKey().addresses.p2tr;
    expect(await json(await api(server, reader.key).get(`/v1/attestations/${MAINNET}:${unbound}`))).toEqual({
      account: `${MAINNET}:${unbound}`,
      status: 'none',
    });
    await expectProblem(
      await api(server, reader.key).get(
        `/v1/attestations/${MAINNET}:${generateBitcoinKey('testnet').addresses.p2tr}`,
      ),
      422,
      'invalid-account',
    );
  });
  it('answers a batch of Bitcoin accounts in order, with malformed ones per item', async () => {
    const key = generateBitcoinKey();
    const address = key.addresses.p2tr;
    const { response } = await link(`${MAINNET}:${address}`, (message) => key.sign(address, message));
    const binding = await linked(response);
    const reader = await apiClient(server, ['attestations:read']);
    const answer = await api(server, reader.key).post('/v1/attestations/query', {
      accounts: [
        `${MAINNET}:${address.toUpperCase()}`,
        `${MAINNET}:${generateBitcoinKey().addresses.p2pkh}`,
        `${MAINNET}:${generateBitcoinKey('testnet').addresses.p2wpkh}`,
      ],
    });
    expect(answer.status).toBe(200);
    const { results } = await json<{
      results: { account: string; status?: string; method?: string; error?: { type: string } }[];
    }>(answer);
    expect(results.map((r) => r.status ?? r.error?.type.split('/').pop())).toEqual([
      'active',
      'none',
      'invalid-account',
    ]);
    expect(results[0]).toMatchObject({ account: binding.account, method: 'bip322-simple' });
  });
});
