// Every setting comes from an environment variable, validated once at start-up. A bad or
// missing value stops the service with a message naming the variable; nothing is guessed
// in production. Pure: takes the environment as a record, so Workers can pass `env`.
import { NAMESPACE_ADAPTERS } from '../domain/accounts/index.js';
import {
  isKeyName,
  parseLogSigningSeed,
  parseVerifierKey,
  SIGNATURE_TYPE,
} from '../domain/audit/signedNote.js';
import type { AssuranceLevel, IdentitySourceKind } from '../domain/identity/identitySource.js';
import { NATIONAL_ID_RULES } from '../domain/identity/nationalId.js';
import { FOUR_EYES_KINDS, type FourEyesKind, isFourEyesKind } from '../domain/regulator/fourEyes.js';

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  claims: { nationalId: string; givenName: string; familyName: string; birthDate: string };
  acceptedAcr: string[];
  /** Send a `claims` request parameter for the configured claims (OIDC Core §5.5). */
  claimsParameter: boolean;
  level: AssuranceLevel;
}

export interface X509Config {
  /** pkijs: RSA and ECDSA verified here; ncanode: every signature verified by NCANode (GOST). */
  verifier: 'pkijs' | 'ncanode';
  /** Required with the pkijs verifier. */
  trustAnchorsFile?: string;
  /** PEM or DER CRL files, re-read when due. */
  crlFiles: string[];
  /** CRLs downloaded over http(s), e.g. NCA RK's nca_gost_2022.crl. */
  crlUrls: string[];
  /** CRLs are fetched again after their nextUpdate, and at least this often. */
  crlRefreshSeconds: number;
  requireCrl: boolean;
  /** Revocation methods in order of preference. */
  revocation: ('ocsp' | 'crl')[];
  ocsp?: { url: string; timeoutSeconds: number; maxAgeSeconds: number };
  ncanode?: { url: string; timeoutSeconds: number };
  requireIndividualRole: boolean;
  /** NCALayer's websocket on the citizen's machine: the page offers "Sign with NCALayer" when set. */
  ncalayerUrl?: string;
  /** eGov Mobile signing by QR through SIGEX: the page offers "Sign with eGov Mobile" when set. */
  egovMobile?: EgovMobileConfig;
  level: AssuranceLevel;
}

export interface EgovMobileConfig {
  /** SIGEX's base URL, e.g. https://sigex.kz; its dataURL and signURL must be on the same origin. */
  sigexUrl: string;
  /** How long registering a signing with SIGEX may take before the citizen gets a 503. */
  timeoutSeconds: number;
  /** How long one request for the signature is held open before it is sent again. */
  pollSeconds: number;
  /** Signings one instance follows at once (each holds one connection to SIGEX). */
  concurrency: number;
}

/** One enabled chain (CAIP-2 ID) and how the service reaches it. */
export interface ChainConfig {
  /** CAIP-2, e.g. `eip155:1` */
  id: string;
  namespace: string;
  reference: string;
  /** JSON-RPC endpoint; needed for contract wallets (ERC-1271/6492) and on-chain proofs. */
  rpcUrl?: string;
  /** Address of the registry contract whose ControlProven events are on-chain proofs. */
  registry?: string;
  /** Blocks an on-chain proof needs (the block holding it counts as one). */
  confirmations: number;
  /** Publication of attestations on this chain: off unless its registry is configured. */
  attestations?: ChainAttestationsConfig;
}

/** Where and how attestations are published on a chain (EAS + WalletAttestationRegistry). */
export interface ChainAttestationsConfig {
  /** The chain's EAS contract. */
  eas: string;
  /** The WalletAttestationRegistry deployed with that EAS, the schema's resolver. */
  registry: string;
  /** The account that sends (and pays for) the transactions: a local key or a remote signer. */
  publisher: { privateKey: string } | { signerUrl: string; address: string };
}

export type DatabaseConfig = { kind: 'sqlite'; filename: string } | { kind: 'postgres'; url: string };

/**
 * Where the rate-limit buckets live: this instance's memory (one node), or Redis, shared
 * by every instance (REDIS_URL; bucket keys start with `keyPrefix`).
 */
export type RateLimitStoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; keyPrefix: string; timeoutMs: number };

export interface HttpServerConfig {
  /** Address to listen on: 127.0.0.1 behind a local reverse proxy, 0.0.0.0 or :: for all. */
  host: string;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included; a slower one is answered 408. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Connections accepted at once; more are refused until some close. */
  maxConnections: number;
  /** On SIGTERM, how long in-flight requests may take to finish before the process exits. */
  shutdownGraceMs: number;
}

export interface Config {
  production: boolean;
  port: number;
  http: HttpServerConfig;
  /** Below this much free space on the data directory's disk, readiness fails (SQLite). */
  storageMinFreeBytes: number;
  dataDir: string;
  database: DatabaseConfig;
  rateLimitStore: RateLimitStoreConfig;
  publicUrl: string;
  /** WebAuthn origin: scheme://host[:port] of PUBLIC_URL. */
  origin: string;
  /** WebAuthn relying-party ID: the host of PUBLIC_URL. */
  rpId: string;
  rpName: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  bodyLimitBytes: number;
  country: string;
  identitySources: IdentitySourceKind[];
  oidc?: OidcConfig;
  x509?: X509Config;
  session: {
    idleSeconds: number;
    absoluteSeconds: number;
    enrollmentSeconds: number;
    /** How long after an identity verification the last passkey may be removed. */
    recentIdentitySeconds: number;
  };
  challengeSeconds: number;
  chains: ChainConfig[];
  wallets: {
    /** Lifetime of an EIP-4361 wallet challenge (at most 10 minutes). */
    challengeSeconds: number;
    /** How recent a passkey assertion must be to link a wallet. */
    stepUpSeconds: number;
    maxBindingsPerIdentity: number;
  };
  attestations: {
    alg: 'ES256' | 'EdDSA';
    lifetimeSeconds: number;
    /** How long before expiry a holder may renew. */
    renewalWindowSeconds: number;
    /** EIP-712 domain version of the EAS-shaped attestation. */
    eip712Version: string;
  };
  statusLists: {
    /** Entries per list; a full list is followed by a new one. */
    size: number;
    /** Lifetime of a published list token, and its Cache-Control max-age. */
    ttlSeconds: number;
    /** Changes within this delay are batched into one republication. */
    publishDelaySeconds: number;
  };
  exchange: {
    /** Token bucket for a new client unless the operator sets one. */
    defaultRate: { perSecond: number; burst: number };
    /** Match calls that do not match, per client: the enumeration brake. */
    matchMismatches: { perHour: number; burst: number };
    /** Status changes are pushed to exchanges that looked the account up within this many days. */
    webhookInterestDays: number;
    /** Deliveries are retried with exponential backoff until this many hours old. */
    webhookRetryHours: number;
    webhookTimeoutSeconds: number;
    /** Webhook requests in flight at once per instance (at most one per webhook). */
    webhookConcurrency: number;
  };
  /** The audit log served as C2SP tlog-tiles (/log/…) and the witnesses that cosign it. */
  transparencyLog: TransparencyLogConfig;
  /** Regulator actions that need a second officer's approval, and how long it may take. */
  fourEyes: { actions: FourEyesKind[]; approvalSeconds: number };
  /**
   * The operator API (/v1/operator/…: API clients, the regulator role) for runtimes the CLI
   * cannot reach, Workers above all: the SHA-256 (hex) of the operator's bearer token.
   * Absent: the operator API is off and answers 404.
   */
  operatorTokenHash: string | undefined;
  /** What citizens are shown of official lookups made under confidential cases. */
  disclosure: {
    /** A case's lookups may be withheld for at most this many days from the day it is set or extended. */
    maxConfidentialDays: number;
    /** Whether a citizen's activity says how many entries are withheld meanwhile (law differs). */
    showWithheldCount: boolean;
  };
  /** From the environment; when absent (development only) the runtime generates them under DATA_DIR. */
  secrets: {
    dataEncryptionKeys?: string;
    lookupHashKey?: string;
    /** JWK set (JSON) of attestation signing keys with private parts; the first signs. */
    attestationSigningKeys?: string;
    /** 0x-prefixed secp256k1 private key of the EIP-712 attester. */
    attesterPrivateKey?: string;
    /** The log's Ed25519 note key: a base64url seed or PRIVATE+KEY+… (Go's note format). */
    logSigningKey?: string;
  };
}

export interface TransparencyLogConfig {
  /** The checkpoint's origin line and the log key's name, e.g. `attest.example.kz/log`. */
  origin: string;
  /** Verifier keys (cosignature/v1, type 0x04) of the witnesses whose cosignatures are accepted. */
  witnesses: string[];
  /** Period of the background integration of new entries into the tiles. */
  integrateIntervalMs: number;
}

function parseOperatorTokenHash(read: Reader): string | undefined {
  const hash = read.string('OPERATOR_TOKEN_SHA256')?.toLowerCase();
  if (hash !== undefined && !/^[0-9a-f]{64}$/.test(hash)) {
    read.problems.push(
      'OPERATOR_TOKEN_SHA256 must be the SHA-256 of the operator token, 64 hex digits (npm run cli -- operator token)',
    );
    return undefined;
  }
  return hash;
}

function parseFourEyes(read: Reader): Config['fourEyes'] {
  const listed = read.list('FOUR_EYES_ACTIONS', [...FOUR_EYES_KINDS]);
  const actions = listed.length === 1 && listed[0] === 'none' ? [] : listed;
  for (const action of actions) {
    if (!isFourEyesKind(action)) {
      read.problems.push(
        `FOUR_EYES_ACTIONS lists "${action}": use none or some of ${FOUR_EYES_KINDS.join(', ')}`,
      );
    }
  }
  return {
    actions: [...new Set(actions.filter(isFourEyesKind))],
    approvalSeconds: read.integer('FOUR_EYES_APPROVAL_SECONDS', 24 * 3600, 300, 7 * 24 * 3600),
  };
}

const LEVELS: readonly AssuranceLevel[] = ['low', 'substantial', 'high'];
const SOURCES: readonly IdentitySourceKind[] = ['oidc', 'x509', 'dev'];

/** Collects every problem before failing, so one start-up attempt reports them all. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Environment) {}

  string(name: string, fallback?: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  }

  required(name: string, why: string): string {
    const value = this.string(name);
    if (value === undefined) this.problems.push(`${name} is required ${why}`);
    return value ?? '';
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  list(name: string, fallback: string[]): string[] {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }
}

function parsePublicUrl(read: Reader, port: number, production: boolean) {
  const raw = read.string('PUBLIC_URL', `http://localhost:${port}`)!;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    read.problems.push(`PUBLIC_URL must be an absolute URL (got "${raw}")`);
    url = new URL(`http://localhost:${port}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    read.problems.push('PUBLIC_URL must use http or https');
  }
  if (production && url.protocol !== 'https:') {
    read.problems.push('PUBLIC_URL must use https when NODE_ENV=production');
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    read.problems.push('PUBLIC_URL must be an origin without a path, query or fragment');
  }
  return { publicUrl: url.origin, origin: url.origin, rpId: url.hostname };
}

function parseTransparencyLog(read: Reader, publicUrl: string): TransparencyLogConfig {
  const origin = read.string('LOG_ORIGIN', `${new URL(publicUrl).host}/log`)!;
  if (!isKeyName(origin)) read.problems.push(`LOG_ORIGIN must have no spaces or "+" (got "${origin}")`);
  const witnesses = read.list('LOG_WITNESSES', []);
  for (const witness of witnesses) {
    try {
      if (parseVerifierKey(witness).type !== SIGNATURE_TYPE.cosignatureV1) {
        read.problems.push(`LOG_WITNESSES has "${witness}", which is not a cosignature/v1 (0x04) key`);
      }
    } catch (error) {
      read.problems.push(`LOG_WITNESSES has "${witness}": ${(error as Error).message}`);
    }
  }
  return {
    origin,
    witnesses,
    integrateIntervalMs: read.integer('LOG_INTEGRATE_INTERVAL_MS', 1000, 50, 3_600_000),
  };
}

function parseRateLimitStore(read: Reader): RateLimitStoreConfig {
  const url = read.string('REDIS_URL');
  const keyPrefix = read.string('REDIS_KEY_PREFIX', 'wallet-attest:')!;
  const timeoutMs = read.integer('REDIS_TIMEOUT_MS', 1000, 50, 60_000);
  if (url === undefined) return { kind: 'memory' };
  if (!/^rediss?:\/\/[^/]/.test(url)) read.problems.push('REDIS_URL must start with redis:// or rediss://');
  return { kind: 'redis', url, keyPrefix, timeoutMs };
}

function parseDatabase(read: Reader, dataDir: string): DatabaseConfig {
  const url = read.string('DATABASE_URL');
  if (url === undefined)
    return { kind: 'sqlite', filename: `${dataDir.replace(/\/$/, '')}/wallet-attest.db` };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', filename: url.slice('sqlite:'.length) };
  read.problems.push('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
  return { kind: 'sqlite', filename: `${dataDir}/wallet-attest.db` };
}

/** OIDC Discovery §3: the issuer is an https URL; plain http only outside production. */
function checkOidcIssuer(read: Reader, issuer: string, production: boolean): void {
  if (issuer === '') return;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    read.problems.push(`OIDC_ISSUER must be an absolute URL (got "${issuer}")`);
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    read.problems.push('OIDC_ISSUER must use https (or http outside production)');
  } else if (production && url.protocol !== 'https:') {
    read.problems.push('OIDC_ISSUER must use https when NODE_ENV=production (OpenID Connect Discovery §3)');
  }
  if (url.search || url.hash) read.problems.push('OIDC_ISSUER must have no query or fragment');
}

function parseOidc(read: Reader, production: boolean): OidcConfig {
  const why = 'when IDENTITY_SOURCES includes oidc';
  const issuer = read.required('OIDC_ISSUER', why);
  checkOidcIssuer(read, issuer, production);
  const scopes = read.list('OIDC_SCOPES', ['openid', 'profile']);
  if (!scopes.includes('openid')) read.problems.push('OIDC_SCOPES must include openid');
  const clientSecret = read.string('OIDC_CLIENT_SECRET');
  return {
    issuer,
    clientId: read.required('OIDC_CLIENT_ID', why),
    ...(clientSecret ? { clientSecret } : {}),
    scopes,
    claims: {
      nationalId: read.string('OIDC_NATIONAL_ID_CLAIM', 'national_id')!,
      givenName: read.string('OIDC_GIVEN_NAME_CLAIM', 'given_name')!,
      familyName: read.string('OIDC_FAMILY_NAME_CLAIM', 'family_name')!,
      birthDate: read.string('OIDC_BIRTHDATE_CLAIM', 'birthdate')!,
    },
    acceptedAcr: read.list('OIDC_ACCEPTED_ACR', []),
    claimsParameter: read.boolean('OIDC_CLAIMS_PARAMETER', false),
    level: read.oneOf('OIDC_LEVEL', LEVELS, 'substantial'),
  };
}

/** An absolute http(s) URL of a service the x509 source calls (an OCSP responder, NCANode, a CRL). */
function httpUrl(read: Reader, name: string, value: string): string {
  if (value === '') return value; // already reported as missing
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/$/, '');
  } catch {
    // reported below
  }
  read.problems.push(`${name} must be an absolute http(s) URL (got "${value}")`);
  return value;
}

function parseX509(read: Reader, production: boolean): X509Config {
  const verifier = read.oneOf('X509_VERIFIER', ['pkijs', 'ncanode'] as const, 'pkijs');
  const revocation: ('ocsp' | 'crl')[] = [];
  for (const method of read.list('X509_REVOCATION', ['crl'])) {
    if ((method === 'ocsp' || method === 'crl') && !revocation.includes(method)) revocation.push(method);
    else read.problems.push(`X509_REVOCATION must list ocsp and/or crl, each once (got "${method}")`);
  }
  const trustAnchorsFile =
    verifier === 'pkijs'
      ? read.required('X509_TRUST_ANCHORS_FILE', 'when IDENTITY_SOURCES includes x509 (X509_VERIFIER=pkijs)')
      : read.string('X509_TRUST_ANCHORS_FILE');
  // NCANode runs the OCSP request itself; the service needs the responder only when it verifies.
  const ocsp =
    verifier === 'pkijs' && revocation.includes('ocsp')
      ? {
          url: httpUrl(
            read,
            'X509_OCSP_URL',
            read.required('X509_OCSP_URL', 'when X509_REVOCATION includes ocsp'),
          ),
          timeoutSeconds: read.integer('X509_OCSP_TIMEOUT_SECONDS', 5, 1, 60),
          maxAgeSeconds: read.integer('X509_OCSP_MAX_AGE_SECONDS', 300, 10, 7 * 24 * 3600),
        }
      : undefined;
  const ncanode =
    verifier === 'ncanode'
      ? {
          url: httpUrl(read, 'NCANODE_URL', read.required('NCANODE_URL', 'when X509_VERIFIER=ncanode')),
          timeoutSeconds: read.integer('NCANODE_TIMEOUT_SECONDS', 10, 1, 120),
        }
      : undefined;
  const ncalayerUrl = read.string('X509_NCALAYER_URL');
  if (ncalayerUrl !== undefined && !/^wss?:\/\/[^/?#\s]+\/?$/.test(ncalayerUrl)) {
    read.problems.push(
      `X509_NCALAYER_URL must be a ws:// or wss:// origin such as wss://127.0.0.1:13579 (got "${ncalayerUrl}")`,
    );
  }
  const egovMobile = parseEgovMobile(read, production);
  return {
    verifier,
    ...(trustAnchorsFile ? { trustAnchorsFile } : {}),
    crlFiles: read.list('X509_CRL_FILES', []),
    crlUrls: read.list('X509_CRL_URLS', []).map((url) => httpUrl(read, 'X509_CRL_URLS', url)),
    crlRefreshSeconds: read.integer('X509_CRL_REFRESH_SECONDS', 3600, 60, 7 * 24 * 3600),
    requireCrl: read.boolean('X509_REQUIRE_CRL', true),
    revocation,
    ...(ocsp ? { ocsp } : {}),
    ...(ncanode ? { ncanode } : {}),
    requireIndividualRole: read.boolean('X509_REQUIRE_INDIVIDUAL_ROLE', true),
    ...(ncalayerUrl ? { ncalayerUrl } : {}),
    ...(egovMobile ? { egovMobile } : {}),
    level: read.oneOf('X509_LEVEL', LEVELS, 'high'),
  };
}

function parseEgovMobile(read: Reader, production: boolean): EgovMobileConfig | undefined {
  const sigexUrl = read.string('SIGEX_URL');
  if (sigexUrl === undefined) return undefined;
  // The challenge and the citizen's signature travel through SIGEX: never in the clear.
  if (production && !sigexUrl.startsWith('https://')) {
    read.problems.push('SIGEX_URL must use https when NODE_ENV=production');
  }
  return {
    sigexUrl: httpUrl(read, 'SIGEX_URL', sigexUrl),
    timeoutSeconds: read.integer('SIGEX_TIMEOUT_SECONDS', 10, 1, 120),
    pollSeconds: read.integer('SIGEX_POLL_SECONDS', 60, 1, 600),
    concurrency: read.integer('SIGEX_CONCURRENCY', 200, 1, 10_000),
  };
}

/** `eip155:8453` → `CHAIN_EIP155_8453_`: the prefix of that chain's own variables. */
export function chainVariablePrefix(chainId: string): string {
  return `CHAIN_${chainId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A chain's attestation publishing, enabled by `<prefix>ATTESTATION_REGISTRY`. */
function parseChainAttestations(
  read: Reader,
  prefix: string,
  rpcUrl: string | undefined,
): ChainAttestationsConfig | undefined {
  const registry = read.string(`${prefix}ATTESTATION_REGISTRY`);
  const eas = read.string(`${prefix}EAS`);
  const privateKey = read.string(`${prefix}PUBLISHER_KEY`);
  const signerUrl = read.string(`${prefix}PUBLISHER_SIGNER_URL`);
  const address = read.string(`${prefix}PUBLISHER_ADDRESS`);
  if (registry === undefined) {
    for (const [name, value] of [
      ['EAS', eas],
      ['PUBLISHER_KEY', privateKey],
      ['PUBLISHER_SIGNER_URL', signerUrl],
      ['PUBLISHER_ADDRESS', address],
    ] as const) {
      if (value !== undefined) read.problems.push(`${prefix}${name} needs ${prefix}ATTESTATION_REGISTRY`);
    }
    return undefined;
  }
  const problems = read.problems.length;
  if (!ADDRESS.test(registry)) {
    read.problems.push(`${prefix}ATTESTATION_REGISTRY must be a 0x-prefixed 20-byte address`);
  }
  if (eas === undefined || !ADDRESS.test(eas)) {
    read.problems.push(`${prefix}EAS must be the 0x-prefixed address of the chain's EAS contract`);
  }
  if (rpcUrl === undefined) read.problems.push(`${prefix}ATTESTATION_REGISTRY needs ${prefix}RPC_URL`);
  let publisher: ChainAttestationsConfig['publisher'] | undefined;
  if (privateKey !== undefined && signerUrl === undefined && address === undefined) {
    if (/^0x[0-9a-fA-F]{64}$/.test(privateKey)) publisher = { privateKey };
    else read.problems.push(`${prefix}PUBLISHER_KEY must be a 0x-prefixed 32-byte hex private key`);
  } else if (privateKey === undefined && signerUrl !== undefined && address !== undefined) {
    if (!/^https?:\/\/./.test(signerUrl)) {
      read.problems.push(`${prefix}PUBLISHER_SIGNER_URL must be an http(s) URL`);
    }
    if (!ADDRESS.test(address)) {
      read.problems.push(`${prefix}PUBLISHER_ADDRESS must be a 0x-prefixed 20-byte address`);
    }
    publisher = { signerUrl, address };
  } else {
    read.problems.push(
      `${prefix}ATTESTATION_REGISTRY needs either ${prefix}PUBLISHER_KEY or both ${prefix}PUBLISHER_SIGNER_URL and ${prefix}PUBLISHER_ADDRESS`,
    );
  }
  if (read.problems.length > problems || !publisher || eas === undefined) return undefined;
  return { eas, registry, publisher };
}

function canonicalReference(normalise: (reference: string) => string, reference: string): string | undefined {
  try {
    return normalise(reference);
  } catch {
    return undefined;
  }
}

function parseChains(read: Reader): ChainConfig[] {
  const chains: ChainConfig[] = [];
  for (const id of read.list('CHAINS', ['eip155:1'])) {
    const match = /^([-a-z0-9]{3,8}):([-_a-zA-Z0-9]{1,32})$/.exec(id);
    if (!match) {
      read.problems.push(`CHAINS has "${id}", which is not a CAIP-2 chain ID such as eip155:1`);
      continue;
    }
    const [, namespace, reference] = match as unknown as [string, string, string];
    const adapter = NAMESPACE_ADAPTERS.find((candidate) => candidate.namespace === namespace);
    if (!adapter) {
      const names = NAMESPACE_ADAPTERS.map((candidate) => candidate.namespace).join(', ');
      read.problems.push(`CHAINS has "${id}": only ${names} chains are supported`);
      continue;
    }
    const canonical = canonicalReference(adapter.normaliseReference.bind(adapter), reference);
    if (canonical !== reference) {
      read.problems.push(
        `CHAINS has "${id}": ${canonical === undefined ? 'not a valid' : `write it as ${namespace}:${canonical}, the canonical`} ${namespace} chain reference`,
      );
      continue;
    }
    const prefix = chainVariablePrefix(id);
    if (namespace !== 'eip155') {
      // Proofs of these namespaces are checked offline: no RPC, registry or publishing.
      for (const name of ['RPC_URL', 'REGISTRY', 'ATTESTATION_REGISTRY']) {
        if (read.string(`${prefix}${name}`) !== undefined) {
          read.problems.push(`${prefix}${name} applies only to eip155 chains`);
        }
      }
      chains.push({ id, namespace, reference, confirmations: 1 });
      continue;
    }
    const rpcUrl = read.string(`${prefix}RPC_URL`);
    if (rpcUrl !== undefined && !/^(https?|wss?):\/\/./.test(rpcUrl)) {
      read.problems.push(`${prefix}RPC_URL must be an http(s) or ws(s) URL`);
    }
    const registry = read.string(`${prefix}REGISTRY`);
    if (registry !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(registry)) {
      read.problems.push(`${prefix}REGISTRY must be a 0x-prefixed 20-byte address`);
    }
    if (registry !== undefined && rpcUrl === undefined) {
      read.problems.push(`${prefix}REGISTRY needs ${prefix}RPC_URL to check on-chain proofs`);
    }
    const attestations = parseChainAttestations(read, prefix, rpcUrl);
    chains.push({
      id,
      namespace,
      reference,
      ...(rpcUrl ? { rpcUrl } : {}),
      ...(registry ? { registry } : {}),
      confirmations: read.integer(`${prefix}CONFIRMATIONS`, 12, 1, 10_000),
      ...(attestations ? { attestations } : {}),
    });
  }
  if (chains.length === 0) read.problems.push('CHAINS must name at least one chain, e.g. eip155:1');
  return chains;
}

export function loadConfig(env: Environment): Config {
  const read = new Reader(env);
  const nodeEnv = read.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const port = read.integer('PORT', 8787, 0, 65535);
  const dataDir = read.string('DATA_DIR', './data')!;
  const identitySources = read.list('IDENTITY_SOURCES', production ? [] : ['dev']) as IdentitySourceKind[];
  for (const source of identitySources) {
    if (!SOURCES.includes(source)) read.problems.push(`IDENTITY_SOURCES has unknown source "${source}"`);
  }
  if (identitySources.length === 0)
    read.problems.push('IDENTITY_SOURCES must name at least one of oidc, x509');
  if (!identitySources.includes('x509') && read.string('SIGEX_URL') !== undefined) {
    read.problems.push(
      'SIGEX_URL needs IDENTITY_SOURCES to include x509 (eGov Mobile signs the x509 challenge)',
    );
  }
  if (production && identitySources.includes('dev')) {
    read.problems.push(
      'IDENTITY_SOURCES must not include dev when NODE_ENV=production (the dev IdP accepts anyone)',
    );
  }
  const country = read.string('NATIONAL_ID_COUNTRY', 'KZ')!.toUpperCase();
  if (!NATIONAL_ID_RULES.has(country)) {
    read.problems.push(
      `NATIONAL_ID_COUNTRY has no national ID rule: ${country} (known: ${[...NATIONAL_ID_RULES.keys()]})`,
    );
  }
  const secrets = {
    dataEncryptionKeys: read.string('DATA_ENCRYPTION_KEYS'),
    lookupHashKey: read.string('LOOKUP_HASH_KEY'),
    attestationSigningKeys: read.string('ATTESTATION_SIGNING_KEYS'),
    attesterPrivateKey: read.string('ATTESTER_PRIVATE_KEY'),
    logSigningKey: read.string('LOG_SIGNING_KEY'),
  };
  if (production) {
    for (const [name, value] of [
      ['DATA_ENCRYPTION_KEYS', secrets.dataEncryptionKeys],
      ['LOOKUP_HASH_KEY', secrets.lookupHashKey],
      ['ATTESTATION_SIGNING_KEYS', secrets.attestationSigningKeys],
      ['ATTESTER_PRIVATE_KEY', secrets.attesterPrivateKey],
      ['LOG_SIGNING_KEY', secrets.logSigningKey],
    ] as const) {
      if (!value) read.problems.push(`${name} is required when NODE_ENV=production`);
    }
  }
  if (secrets.logSigningKey !== undefined) {
    try {
      parseLogSigningSeed(secrets.logSigningKey);
    } catch (error) {
      read.problems.push(`LOG_SIGNING_KEY: ${(error as Error).message}`);
    }
  }
  if (secrets.attesterPrivateKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(secrets.attesterPrivateKey)) {
    read.problems.push('ATTESTER_PRIVATE_KEY must be a 0x-prefixed 32-byte hex private key');
  }

  const http: HttpServerConfig = {
    host: read.string('HOST', production ? '0.0.0.0' : '127.0.0.1')!,
    headersTimeoutMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 300_000),
    requestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    keepAliveTimeoutMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: read.integer('HTTP_MAX_CONNECTIONS', 1024, 1, 1_000_000),
    shutdownGraceMs: read.integer('HTTP_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    read.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }

  const urls = parsePublicUrl(read, port, production);
  const config: Config = {
    production,
    port,
    http,
    storageMinFreeBytes: read.integer('STORAGE_MIN_FREE_MB', 64, 0, 1_000_000) * 1024 * 1024,
    dataDir,
    database: parseDatabase(read, dataDir),
    rateLimitStore: parseRateLimitStore(read),
    ...urls,
    rpName: read.string('WEBAUTHN_RP_NAME', 'wallet-attest')!,
    logLevel: read.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    country,
    identitySources,
    ...(identitySources.includes('oidc') ? { oidc: parseOidc(read, production) } : {}),
    ...(identitySources.includes('x509') ? { x509: parseX509(read, production) } : {}),
    session: {
      idleSeconds: read.integer('SESSION_IDLE_SECONDS', 30 * 60, 60, 24 * 3600),
      absoluteSeconds: read.integer('SESSION_ABSOLUTE_SECONDS', 12 * 3600, 300, 30 * 24 * 3600),
      enrollmentSeconds: read.integer('ENROLLMENT_SESSION_SECONDS', 15 * 60, 60, 3600),
      recentIdentitySeconds: read.integer('RECENT_IDENTITY_SECONDS', 10 * 60, 60, 3600),
    },
    challengeSeconds: read.integer('CHALLENGE_SECONDS', 5 * 60, 30, 600),
    chains: parseChains(read),
    wallets: {
      challengeSeconds: read.integer('WALLET_CHALLENGE_SECONDS', 10 * 60, 30, 10 * 60),
      stepUpSeconds: read.integer('STEP_UP_SECONDS', 5 * 60, 30, 5 * 60),
      maxBindingsPerIdentity: read.integer('MAX_BINDINGS_PER_IDENTITY', 20, 1, 1000),
    },
    attestations: {
      alg: read.oneOf('ATTESTATION_ALG', ['ES256', 'EdDSA'] as const, 'ES256'),
      lifetimeSeconds: read.integer('ATTESTATION_LIFETIME_SECONDS', 365 * 24 * 3600, 60, 5 * 365 * 24 * 3600),
      renewalWindowSeconds: read.integer(
        'ATTESTATION_RENEWAL_WINDOW_SECONDS',
        30 * 24 * 3600,
        0,
        365 * 24 * 3600,
      ),
      eip712Version: read.string('ATTESTATION_EIP712_VERSION', '1')!,
    },
    exchange: {
      defaultRate: {
        perSecond: read.integer('API_RATE_PER_SECOND', 20, 1, 100_000),
        burst: read.integer('API_RATE_BURST', 40, 1, 1_000_000),
      },
      matchMismatches: {
        perHour: read.integer('MATCH_MISMATCHES_PER_HOUR', 20, 1, 100_000),
        burst: read.integer('MATCH_MISMATCH_BURST', 20, 1, 100_000),
      },
      webhookInterestDays: read.integer('WEBHOOK_INTEREST_DAYS', 30, 1, 3650),
      webhookRetryHours: read.integer('WEBHOOK_RETRY_HOURS', 48, 24, 24 * 30),
      webhookTimeoutSeconds: read.integer('WEBHOOK_TIMEOUT_SECONDS', 10, 1, 120),
      webhookConcurrency: read.integer('WEBHOOK_CONCURRENCY', 8, 1, 256),
    },
    statusLists: {
      size: read.integer('STATUS_LIST_SIZE', 131_072, 8, 8_000_000),
      ttlSeconds: read.integer('STATUS_LIST_TTL_SECONDS', 300, 1, 24 * 3600),
      publishDelaySeconds: read.integer('STATUS_LIST_PUBLISH_DELAY_SECONDS', 0, 0, 3600),
    },
    transparencyLog: parseTransparencyLog(read, urls.publicUrl),
    fourEyes: parseFourEyes(read),
    operatorTokenHash: parseOperatorTokenHash(read),
    disclosure: {
      maxConfidentialDays: read.integer('CASE_CONFIDENTIAL_MAX_DAYS', 180, 1, 3650),
      showWithheldCount: read.boolean('ACTIVITY_SHOW_WITHHELD_COUNT', false),
    },
    secrets,
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
