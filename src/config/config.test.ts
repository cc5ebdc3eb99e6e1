import { describe, expect, it } from 'vitest';
import { NAMESPACE_ADAPTERS } from '../domain/accounts/index.js';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('has safe development defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.publicUrl).toBe('http://localhost:8787');
    expect(config.rpId).toBe('localhost');
    expect(config.database).toEqual({ kind: 'sqlite', filename: './data/wallet-attest.db' });
    expect(config.identitySources).toEqual(['dev']);
    expect(config.production).toBe(false);
  });

  it('derives PUBLIC_URL from PORT and honours DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({ PORT: '9000', DATA_DIR: '/tmp/wa' });
    expect(config.publicUrl).toBe('http://localhost:9000');
    expect(config.database).toEqual({ kind: 'sqlite', filename: '/tmp/wa/wallet-attest.db' });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
  });

  it('keeps rate-limit buckets in memory unless REDIS_URL names a shared store', () => {
    expect(loadConfig({}).rateLimitStore).toEqual({ kind: 'memory' });
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379/2' }).rateLimitStore).toEqual({
      kind: 'redis',
      url: 'redis://10.0.0.5:6379/2',
      keyPrefix: 'wallet-attest:',
      timeoutMs: 1000,
    });
    expect(
      loadConfig({ REDIS_URL: 'rediss://cache.internal', REDIS_KEY_PREFIX: 'attest-kz:' }).rateLimitStore,
    ).toMatchObject({ keyPrefix: 'attest-kz:' });
    expect(problemsOf({ REDIS_URL: 'http://cache:6379' })).toEqual([
      'REDIS_URL must start with redis:// or rediss://',
    ]);
  });

  it('keeps the operator API off unless given the SHA-256 of its token', () => {
    expect(loadConfig({}).operatorTokenHash).toBeUndefined();
    const hash = 'AB'.repeat(32);
    expect(loadConfig({ OPERATOR_TOKEN_SHA256: hash }).operatorTokenHash).toBe(hash.toLowerCase());
    // The token itself, or anything but 64 hex digits, is refused: the service keeps only a hash.
    expect(() => loadConfig({ OPERATOR_TOKEN_SHA256: 'my-secret-token' })).toThrow(/OPERATOR_TOKEN_SHA256/);
    expect(() => loadConfig({ OPERATOR_TOKEN_SHA256: 'ab'.repeat(31) })).toThrow(/64 hex digits/);
  });

  it('puts four eyes on the gravest actions unless told otherwise, and hides the withheld count', () => {
    const config = loadConfig({});
    expect(config.fourEyes).toEqual({
      actions: ['identity_revocation', 'link_block_lift', 'regulator_grant'],
      approvalSeconds: 86_400,
    });
    expect(config.disclosure).toEqual({ maxConfidentialDays: 180, showWithheldCount: false });
    expect(loadConfig({ FOUR_EYES_ACTIONS: 'none' }).fourEyes.actions).toEqual([]);
    expect(loadConfig({ FOUR_EYES_ACTIONS: 'link_block_lift' }).fourEyes.actions).toEqual([
      'link_block_lift',
    ]);
    expect(() => loadConfig({ FOUR_EYES_ACTIONS: 'identity_revocation,everything' })).toThrow(/everything/);
    expect(() => loadConfig({ FOUR_EYES_APPROVAL_SECONDS: '10' })).toThrow(/FOUR_EYES_APPROVAL_SECONDS/);
    expect(() => loadConfig({ CASE_CONFIDENTIAL_MAX_DAYS: '0' })).toThrow(/CASE_CONFIDENTIAL_MAX_DAYS/);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PUBLIC_URL: 'not a url',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    expect(problems.join('\n')).toMatch(/PORT must be an integer/);
    expect(problems.join('\n')).toMatch(/PUBLIC_URL must be an absolute URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must start with/);
  });

  it('refuses a PUBLIC_URL with a path', () => {
    expect(problemsOf({ PUBLIC_URL: 'https://example.kz/app' })).toEqual([
      'PUBLIC_URL must be an origin without a path, query or fragment',
    ]);
  });

  it('requires the OIDC settings when the oidc source is on', () => {
    expect(problemsOf({ IDENTITY_SOURCES: 'oidc' })).toEqual([
      'OIDC_ISSUER is required when IDENTITY_SOURCES includes oidc',
      'OIDC_CLIENT_ID is required when IDENTITY_SOURCES includes oidc',
    ]);
    expect(
      problemsOf({ IDENTITY_SOURCES: 'oidc,ldap', OIDC_ISSUER: 'https://idp', OIDC_CLIENT_ID: 'x' }),
    ).toEqual(['IDENTITY_SOURCES has unknown source "ldap"']);
  });

  it('refuses development defaults and the dev IdP in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      IDENTITY_SOURCES: 'dev',
      PUBLIC_URL: 'http://example.kz',
    });
    expect(problems).toContain(
      'IDENTITY_SOURCES must not include dev when NODE_ENV=production (the dev IdP accepts anyone)',
    );
    expect(problems).toContain('PUBLIC_URL must use https when NODE_ENV=production');
    expect(problems).toContain('DATA_ENCRYPTION_KEYS is required when NODE_ENV=production');
    expect(problems).toContain('LOOKUP_HASH_KEY is required when NODE_ENV=production');
    expect(problems).toContain('ATTESTATION_SIGNING_KEYS is required when NODE_ENV=production');
    expect(problems).toContain('ATTESTER_PRIVATE_KEY is required when NODE_ENV=production');
    expect(problems).toContain('LOG_SIGNING_KEY is required when NODE_ENV=production');
    expect(problemsOf({ NODE_ENV: 'production' })).toContain(
      'IDENTITY_SOURCES must name at least one of oidc, x509',
    );
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://attest.example.kz',
      IDENTITY_SOURCES: 'x509',
      X509_TRUST_ANCHORS_FILE: '/etc/wa/anchors.pem',
      DATA_ENCRYPTION_KEYS: 'k1:AAAA',
      LOOKUP_HASH_KEY: 'BBBB',
      ATTESTATION_SIGNING_KEYS: '{"keys":[]}',
      ATTESTER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
      LOG_SIGNING_KEY: 'A'.repeat(43),
    });
    expect(config.production).toBe(true);
    expect(config.transparencyLog).toEqual({
      origin: 'attest.example.kz/log',
      witnesses: [],
      integrateIntervalMs: 1000,
    });
    expect(config.rpId).toBe('attest.example.kz');
    expect(config.x509).toMatchObject({
      verifier: 'pkijs',
      trustAnchorsFile: '/etc/wa/anchors.pem',
      crlFiles: [],
      requireCrl: true,
      revocation: ['crl'],
      level: 'high',
    });
  });

  it("reads the log's origin, key and witnesses, and refuses malformed ones", () => {
    // The verifier key of the example in c2sp.org/signed-note is Ed25519 (0x01), not a witness key.
    const noteKey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const witnessKey = 'w.example/a+ed35d3c9+BP0XJDhaoMdbZPt4zWAvodmR/ev3axPFjtcC6sg16fYY';
    expect(
      loadConfig({ LOG_ORIGIN: 'log.example/one', LOG_WITNESSES: witnessKey }).transparencyLog,
    ).toMatchObject({ origin: 'log.example/one', witnesses: [witnessKey] });
    expect(problemsOf({ LOG_WITNESSES: noteKey })[0]).toMatch(/not a cosignature\/v1 \(0x04\) key/);
    expect(problemsOf({ LOG_WITNESSES: `${noteKey.slice(0, -2)}AA` })[0]).toMatch(/LOG_WITNESSES/);
    expect(problemsOf({ LOG_ORIGIN: 'a+b' })[0]).toMatch(/LOG_ORIGIN must have no spaces/);
    expect(problemsOf({ LOG_SIGNING_KEY: 'short' })[0]).toMatch(/LOG_SIGNING_KEY/);
  });

  it('refuses an unknown national ID country', () => {
    expect(problemsOf({ NATIONAL_ID_COUNTRY: 'ZZ' })[0]).toMatch(
      /NATIONAL_ID_COUNTRY has no national ID rule: ZZ/,
    );
  });

  it('reads the chains and their per-chain settings', () => {
    const config = loadConfig({
      CHAINS: 'eip155:1, eip155:8453',
      CHAIN_EIP155_8453_RPC_URL: 'https://base.example/rpc',
      CHAIN_EIP155_8453_REGISTRY: '0x000000000000000000000000000000000000dEaD',
      CHAIN_EIP155_8453_CONFIRMATIONS: '3',
    });
    expect(config.chains).toEqual([
      { id: 'eip155:1', namespace: 'eip155', reference: '1', confirmations: 12 },
      {
        id: 'eip155:8453',
        namespace: 'eip155',
        reference: '8453',
        rpcUrl: 'https://base.example/rpc',
        registry: '0x000000000000000000000000000000000000dEaD',
        confirmations: 3,
      },
    ]);
    expect(loadConfig({}).chains.map((chain) => chain.id)).toEqual(['eip155:1']);
    expect(loadConfig({}).wallets).toEqual({
      challengeSeconds: 600,
      stepUpSeconds: 300,
      maxBindingsPerIdentity: 20,
    });
  });

  it('names every bad chain setting', () => {
    expect(
      problemsOf({
        CHAINS: 'eip155:1,ethereum,cosmos:cosmoshub-4,tron:mainnet',
        CHAIN_EIP155_1_RPC_URL: 'ftp://x',
        CHAIN_EIP155_1_REGISTRY: '0x12',
        CHAIN_EIP155_1_CONFIRMATIONS: '0',
        WALLET_CHALLENGE_SECONDS: '3600',
        STEP_UP_SECONDS: '900',
      }),
    ).toEqual([
      'CHAIN_EIP155_1_RPC_URL must be an http(s) or ws(s) URL',
      'CHAIN_EIP155_1_REGISTRY must be a 0x-prefixed 20-byte address',
      'CHAIN_EIP155_1_CONFIRMATIONS must be an integer from 1 to 10000 (got "0")',
      'CHAINS has "ethereum", which is not a CAIP-2 chain ID such as eip155:1',
      `CHAINS has "cosmos:cosmoshub-4": only ${NAMESPACE_ADAPTERS.map((a) => a.namespace).join(', ')} chains are supported`,
      'CHAINS has "tron:mainnet": not a valid tron chain reference',
      'WALLET_CHALLENGE_SECONDS must be an integer from 30 to 600 (got "3600")',
      'STEP_UP_SECONDS must be an integer from 30 to 300 (got "900")',
    ]);
    expect(problemsOf({ CHAIN_EIP155_1_REGISTRY: '0x000000000000000000000000000000000000dEaD' })).toEqual([
      'CHAIN_EIP155_1_REGISTRY needs CHAIN_EIP155_1_RPC_URL to check on-chain proofs',
    ]);
    expect(problemsOf({ CHAINS: ' , ' })).toEqual(['CHAINS must name at least one chain, e.g. eip155:1']);
    expect(
      problemsOf({
        CHAINS: 'tron:0x2B6653DC,solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp',
        CHAIN_SOLANA_5EYKT4USFV8P8NJDTREPY1VZQKQZKVDP_RPC_URL: 'https://api.mainnet-beta.solana.com',
      }),
    ).toEqual([
      'CHAINS has "tron:0x2B6653DC": write it as tron:0x2b6653dc, the canonical tron chain reference',
      'CHAIN_SOLANA_5EYKT4USFV8P8NJDTREPY1VZQKQZKVDP_RPC_URL applies only to eip155 chains',
    ]);
    expect(
      loadConfig({ CHAINS: 'eip155:1,tron:0x2b6653dc,solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp' }).chains.map(
        (chain) => [chain.id, chain.namespace],
      ),
    ).toEqual([
      ['eip155:1', 'eip155'],
      ['tron:0x2b6653dc', 'tron'],
      ['solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', 'solana'],
    ]);
  });
});
